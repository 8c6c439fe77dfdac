"""Domain errors for talking to providers. `http.py` is the one place that maps HTTP
failures onto them; sync decides what each means for a run (retry, flag, fail)."""

from django.utils.translation import gettext_noop

from trainlytics.stored_text import declare

GARBLED = declare(
    # Translators: a provider (Strava, Garmin...) answered with unreadable data.
    gettext_noop("%(provider)s sent a garbled answer. We will try again.")
)


def garbled(provider_name):
    """The user_message of a TransientProviderError for an unreadable answer."""
    return GARBLED % {"provider": provider_name}


class ProviderError(Exception):
    """The provider refused or failed in a way that is not worth retrying as is.

    `user_message` is safe to show an athlete; `str(exc)` is for logs and staff, and
    never contains a token. `user_message` is English, built from msgids that
    trainlytics.stored_text knows, since it is often stored (status_detail, a
    delivery's error_message); show it through stored_text.shown().
    """

    kind = "provider"

    def __init__(
        self,
        message,
        *,
        status=None,
        provider_message="",
        request_id="",
        user_message="",
    ):
        super().__init__(message)
        self.status = status
        self.provider_message = provider_message
        self.request_id = request_id
        self.user_message = user_message or message

    def details(self):
        """What SyncHistory.error_details records."""
        return {
            "kind": self.kind,
            "http_status": self.status,
            "provider_message": self.provider_message,
            "request_id": self.request_id,
        }


class ReauthRequiredError(ProviderError):
    """The grant is gone (401, invalid_grant, revoked): the athlete must reconnect."""

    kind = "reauth_required"


class RateLimitedError(ProviderError):
    """429: try again at `retry_at` (an aware datetime)."""

    kind = "rate_limited"

    def __init__(self, message, *, retry_at, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_at = retry_at

    def details(self):
        return {**super().details(), "retry_at": self.retry_at.isoformat()}


class TransientProviderError(ProviderError):
    """5xx, timeouts, connection errors, garbled pages: retry with backoff."""

    kind = "transient"


class MalformedPayloadError(ValueError):
    """One item cannot be normalised; the run skips it, counts it and goes on."""


class TokenCapReachedError(ReauthRequiredError):
    """The provider refuses another token for this athlete until older ones are
    revoked (Wahoo's cap of unrevoked tokens per app and user, providers.md §6.2).

    A ReauthRequiredError, so a refused refresh still flags the connection; at
    connect, `user_message` tells the athlete how to clear it at the provider.
    """
