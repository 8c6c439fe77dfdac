"""Which provider URLs may be plain http: the rule, decided once.

https is required for every provider URL, except loopback hosts (127.0.0.0/8, ::1,
localhost) while DEBUG is on, so a developer's sandbox or a provider-compatible server
on this machine works without any extra variable. `url_problem` is the rule; the
system check in `providers/checks.py` refuses a configuration that breaks it at
start-up, and each OAuth session hands the same decision to oauthlib.

oauthlib only knows a process-wide switch (the OAUTHLIB_INSECURE_TRANSPORT environment
variable), which would also let plain http through for every other host and thread.
Instead, its transport check is wrapped once: inside `permitted(True)`, which
ProviderOAuth2Session enters around its own calls, a URL the rule allows passes;
everywhere else oauthlib decides exactly as before.
"""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import oauthlib.oauth2.rfc6749.clients.base as _oauthlib_client
import oauthlib.oauth2.rfc6749.parameters as _oauthlib_parameters
import requests_oauthlib.oauth2_session as _oauth2_session
from django.conf import settings
from oauthlib.oauth2.rfc6749.utils import is_secure_transport as _oauthlib_check

_loopback_allowed = ContextVar("provider_loopback_http_allowed", default=False)


def is_loopback(host):
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url, debug=None):
    """Why `url` may not be used for a provider, or None when it may."""
    debug = settings.DEBUG if debug is None else debug
    try:
        parts = urlsplit(url or "")
        host = parts.hostname
    except ValueError:
        return "is not a valid URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host:
        if is_loopback(host):
            return None if debug else "uses http, allowed on loopback only with DEBUG"
        return "uses http: provider URLs must be https"
    return "is not an absolute https URL"


def loopback_http_allowed():
    """What an OAuth session created now may pass to oauthlib: DEBUG's value."""
    return bool(settings.DEBUG)


@contextmanager
def permitted(allowed):
    """Let oauthlib accept the URLs `url_problem` allows, for this context only."""
    token = _loopback_allowed.set(allowed)
    try:
        yield
    finally:
        _loopback_allowed.reset(token)


def _is_secure_transport(uri):
    if _oauthlib_check(uri):
        return True
    return _loopback_allowed.get() and url_problem(uri, debug=True) is None


# The modules that import oauthlib's check by name, so each call site sees the wrapper.
for _module in (_oauthlib_parameters, _oauthlib_client, _oauth2_session):
    _module.is_secure_transport = _is_secure_transport
