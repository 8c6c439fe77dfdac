"""Pre-signed file URLs of the sandbox's COROS and Wahoo sessions.

Real COROS `fitUrl`s and Wahoo `file.url`s point at object storage that needs no
API token; here the signature in the query plays that part (stream_views.py checks
it), so the file views need no token either.
"""

from django.core import signing
from django.urls import reverse

from .stream_series import session_by_key

FILE_SALT = "providers.sandbox:streams:file"


def file_url(request, name, number, session):
    """An absolute, pre-signed URL of a session's file."""
    url = request.build_absolute_uri(reverse(name, args=[number]))
    return f"{url}?signature={signing.dumps(session.key, salt=FILE_SALT)}"


def signed_session(request):
    """The session a request's signature names, or None."""
    try:
        key = signing.loads(request.GET.get("signature", ""), salt=FILE_SALT)
    except signing.BadSignature:
        return None
    return session_by_key(key)
