"""One requests.Session factory and the one place HTTP failures become domain errors.

Every outbound provider call goes through ProviderSession: a timeout on every request, a
`Trainlytics/<version>` User-Agent, a count of calls made (SyncHistory.api_calls), a
Prometheus count by status (trainlytics.ops.metrics), and `raise_for_provider_status`
applied to every response.
"""

import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils.translation import gettext_noop
from requests_oauthlib import OAuth2Session

from trainlytics.ops import metrics

from . import transport
from .errors import (
    ProviderError,
    RateLimitedError,
    ReauthRequiredError,
    TransientProviderError,
)

logger = logging.getLogger(__name__)

REQUEST_ID_HEADERS = (
    "X-Request-Id",
    "X-Request-ID",
    "X-Amzn-Trace-Id",
    "X-Cloud-Trace-Context",
)


# What the errors tell the athlete, in English: they are stored and shown translated
# (trainlytics.stored_text).
UNREACHABLE = gettext_noop("The provider could not be reached. We will try again.")
REFUSED_ACCESS = gettext_noop(
    "The provider no longer accepts our access. Reconnect to resume syncing."
)
SLOW_DOWN = gettext_noop(
    "The provider asked us to slow down. Syncing resumes automatically after its "
    "rate-limit window."
)
SERVER_ERROR = gettext_noop("The provider had a temporary problem. We will try again.")
GARBLED = gettext_noop("The provider sent a garbled answer. We will try again.")


def user_agent():
    return f"Trainlytics/{settings.VERSION}"


class _MappedRequestsMixin:
    """Timeout, User-Agent, call count and error mapping for any Session class."""

    provider = ""
    reauth_statuses = (401,)
    calls = 0
    # Called before every request when set (a sync run checks its provider budget
    # there, so a run that has no request left to make is never held for one).
    before_request = None

    def _configure(self, provider, reauth_statuses):
        self.provider = provider
        self.reauth_statuses = reauth_statuses
        self.calls = 0
        self.headers["User-Agent"] = user_agent()

    def request(self, method, url, *args, check=True, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = settings.PROVIDER_HTTP_TIMEOUT
        if self.before_request is not None:
            self.before_request()
        self.calls += 1
        try:
            response = super().request(method, url, *args, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as exc:
            metrics.provider_response(self.provider, error=exc)
            raise TransientProviderError(
                f"{self.provider}: {type(exc).__name__} talking to the provider",
                user_message=UNREACHABLE,
            ) from None
        metrics.provider_response(self.provider, response)
        if check:
            raise_for_provider_status(response, self.provider, self.reauth_statuses)
        return response


class ProviderSession(_MappedRequestsMixin, requests.Session):
    """A Session that always times out, identifies itself and maps failures."""


class ProviderOAuth2Session(_MappedRequestsMixin, OAuth2Session):
    """requests-oauthlib's OAuth2Session with the same guarantees.

    Each of its calls tells oauthlib whether this session may use loopback http
    (providers/transport.py), decided when the session is made.
    """

    loopback_http_allowed = False

    def authorization_url(self, *args, **kwargs):
        with transport.permitted(self.loopback_http_allowed):
            return super().authorization_url(*args, **kwargs)

    def fetch_token(self, *args, **kwargs):
        with transport.permitted(self.loopback_http_allowed):
            return super().fetch_token(*args, **kwargs)

    def refresh_token(self, *args, **kwargs):
        with transport.permitted(self.loopback_http_allowed):
            return super().refresh_token(*args, **kwargs)

    def request(self, *args, **kwargs):
        with transport.permitted(self.loopback_http_allowed):
            return super().request(*args, **kwargs)


def make_session(provider="", reauth_statuses=(401,)):
    session = ProviderSession()
    session._configure(provider, reauth_statuses)
    return session


def make_oauth_session(provider="", reauth_statuses=(401,), **oauth_kwargs):
    session = ProviderOAuth2Session(**oauth_kwargs)
    session._configure(provider, reauth_statuses)
    session.loopback_http_allowed = transport.loopback_http_allowed()
    return session


def provider_message(response):
    """The provider's own words about a failure, from whatever shape it sends."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300].strip()
    if isinstance(body, dict):
        for key in ("error_description", "message", "error", "errors", "detail"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value)[:300]
    return json.dumps(body)[:300]


def _request_id(response):
    for name in REQUEST_ID_HEADERS:
        if response.headers.get(name):
            return response.headers[name]
    return ""


def raise_for_provider_status(response, provider="", reauth_statuses=(401,)):
    """Map an HTTP failure onto a domain error; return quietly on success."""
    status = response.status_code
    if status < 400:
        return
    message = provider_message(response)
    context = {
        "status": status,
        "provider_message": message,
        "request_id": _request_id(response),
    }
    if status in reauth_statuses or _is_invalid_grant(status, message):
        raise ReauthRequiredError(
            f"{provider}: authorisation rejected (HTTP {status})",
            user_message=REFUSED_ACCESS,
            **context,
        )
    if status == 429:
        retry_at = retry_at_from_headers(response.headers)
        raise RateLimitedError(
            f"{provider}: rate limited until {retry_at.isoformat()}",
            retry_at=retry_at,
            user_message=SLOW_DOWN,
            **context,
        )
    if status >= 500:
        raise TransientProviderError(
            f"{provider}: server error HTTP {status}",
            user_message=SERVER_ERROR,
            **context,
        )
    raise ProviderError(f"{provider}: HTTP {status}: {message}", **context)


def _is_invalid_grant(status, message):
    return status in (400, 401) and "invalid_grant" in message


def parse_json(response, provider=""):
    """The response body as JSON; a garbled body is transient, not a crash."""
    try:
        return response.json()
    except ValueError:
        raise TransientProviderError(
            f"{provider}: response is not valid JSON (HTTP {response.status_code})",
            status=response.status_code,
            user_message=GARBLED,
        ) from None


def retry_at_from_headers(headers, now=None):
    """When a rate-limited request may be retried, from whichever headers were sent.

    Retry-After (seconds or HTTP date); Wahoo's X-RateLimit-Reset and RateLimit-Reset
    (seconds until reset); Strava's X-RateLimit-Usage/-Limit (15-minute windows at :00,
    :15, :30, :45 and a daily window at midnight UTC). Otherwise, 15 minutes.
    """
    now = now or datetime.now(UTC)
    retry_after = headers.get("Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return now + timedelta(seconds=int(retry_after))
        try:
            return parsedate_to_datetime(retry_after).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    for name in ("X-RateLimit-Reset", "RateLimit-Reset"):
        value = headers.get(name)
        if value:
            try:
                seconds = min(float(part) for part in value.split(",") if part.strip())
            except ValueError:
                continue
            return now + timedelta(seconds=seconds)
    if headers.get("X-RateLimit-Usage") or headers.get("X-ReadRateLimit-Usage"):
        return _strava_window_end(headers, now)
    return now + timedelta(minutes=15)


def _strava_window_end(headers, now):
    def pairs(prefix):
        usage = headers.get(f"{prefix}-Usage", "")
        limit = headers.get(f"{prefix}-Limit", "")
        try:
            return [int(u) for u in usage.split(",")], [
                int(v) for v in limit.split(",")
            ]
        except ValueError:
            return None

    daily_spent = False
    for prefix in ("X-RateLimit", "X-ReadRateLimit"):
        parsed = pairs(prefix)
        if parsed and len(parsed[0]) > 1 and len(parsed[1]) > 1:
            daily_spent |= parsed[0][1] >= parsed[1][1]
    if daily_spent:
        return (now + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return quarter + timedelta(minutes=15)


__all__ = [
    "ProviderError",
    "ProviderSession",
    "make_oauth_session",
    "make_session",
    "parse_json",
    "raise_for_provider_status",
    "retry_at_from_headers",
]
