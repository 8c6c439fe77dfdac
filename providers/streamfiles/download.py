"""Fetching an activity file through a ProviderSession (timeouts, call count and
error mapping as for every provider call)."""

from urllib.parse import urlsplit

from ..errors import MalformedPayloadError
from ..http import raise_for_provider_status

# "No file for this activity": not a failure, the activity simply has no series.
MISSING = (204, 404, 410)


def download(http, url, provider, headers=None, reauth_statuses=()):
    """The file's bytes, or None when the provider has none for it.

    `headers` carries our bearer token only for the provider's own API; pre-signed
    storage URLs (COROS, Wahoo) are fetched without it, so a token never travels to
    a host the URL merely names. For those, a 401/403 is the link's own signature
    failing, not our grant: `reauth_statuses` stays empty and it is a plain
    ProviderError, so nobody is asked to reconnect for it.
    """
    if urlsplit(str(url or "")).scheme not in ("http", "https"):
        raise MalformedPayloadError(f"{provider}: activity file URL is not http(s)")
    response = http.get(url, headers=headers or {}, check=False)
    if response.status_code in MISSING:
        return None
    raise_for_provider_status(response, provider, reauth_statuses)
    return response.content or None


def or_none(stream):
    """None for a file that held no samples, else the StreamData itself."""
    return stream if stream is not None and stream.time_s else None
