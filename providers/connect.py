"""Connecting and disconnecting a provider: the services behind the OAuth views.

The views parse the request and pick the response; these functions talk to the
provider through its backend and save through `providers.services`.
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop
from oauthlib.oauth2 import OAuth2Error

from trainlytics.stored_text import declare, shown

from . import services
from .backends.base import Credentials, OAuth2Backend
from .errors import (
    ProviderError,
    ReauthRequiredError,
    TokenCapReachedError,
    TransientProviderError,
)
from .models import Provider, ProviderConnection
from .registry import all_backends, get_backend
from .services import ProviderAccountInUseError
from .tokens import get_access_token

logger = logging.getLogger(__name__)

# A ProviderError's user_message is English (trainlytics.stored_text).
SIGN_IN_INCOMPLETE = declare(
    gettext_noop("%(provider)s did not complete the sign-in. Please try again.")
)

# Strava's API agreement requires deleting an athlete's Strava data when they
# disconnect, so for Strava there is no "keep my activities" choice.
DELETE_ACTIVITIES_ON_DISCONNECT = frozenset({Provider.STRAVA})


class InsufficientScopesError(Exception):
    """The athlete granted less than sync needs; `missing` names what is lacking."""

    def __init__(self, provider_name, missing):
        self.provider_name = provider_name
        self.missing = list(missing)
        super().__init__(
            f"{provider_name} did not grant the permissions Trainlytics needs: "
            f"{', '.join(self.missing)}. Connect again and allow them."
        )


# What a failed connect may raise; explain_failure words each for the athlete.
CONNECT_ERRORS = (ProviderError, ProviderAccountInUseError, InsufficientScopesError)


@dataclass
class ProviderRow:
    """One line of the connections page."""

    backend: OAuth2Backend
    connection: ProviderConnection | None

    @property
    def keeps_activities_choice(self):
        return self.backend.slug not in DELETE_ACTIVITIES_ON_DISCONNECT


def connection_rows(user):
    """Every registered provider with the user's connection to it, if any."""
    connections = {c.provider: c for c in services.get_user_connections(user)}
    return [ProviderRow(b, connections.get(b.slug)) for b in all_backends()]


def complete_connection(
    user, backend, code, redirect_uri, code_verifier, callback_params
):
    """Turn an authorization code into a saved, active ProviderConnection.

    For a backend with `revoke_before_reconnect` (Wahoo), first gives back the grant
    of the connection this one replaces. Exchanges the code, fetches the account,
    refuses (saving nothing) a grant that lacks what sync needs, runs the provider's
    post-connect step and upserts the connection. Raises InsufficientScopesError,
    ProviderAccountInUseError or a ProviderError subclass.
    """
    if getattr(backend, "revoke_before_reconnect", False):
        _revoke_previous_grant(user, backend)
    try:
        tokens = backend.exchange_code(code, redirect_uri, code_verifier)
    except OAuth2Error as exc:
        # oauthlib's own parse errors (no access_token, bad JSON shape).
        raise ProviderError(
            f"{backend.slug}: token exchange failed: {exc.error}",
            user_message=SIGN_IN_INCOMPLETE % {"provider": backend.name},
        ) from None
    account = backend.fetch_account(tokens.credentials())
    # Garmin reports permissions on the account; the others on the token or redirect.
    if account.scopes is not None:
        granted = list(account.scopes)
    else:
        granted = backend.granted_scopes(callback_params, tokens)
    credentials = tokens.credentials(account.provider_user_id)
    missing = backend.missing_scopes(granted)
    if missing:
        # Give the unusable grant back: Wahoo caps unrevoked tokens per athlete.
        _revoke_quietly(backend, credentials, "refused grant")
        raise InsufficientScopesError(backend.name, missing)
    registered = backend.after_connect(credentials, account, user)
    # Polar's profile only exists after registration, which answers with it.
    profile = account.profile or (registered if isinstance(registered, dict) else {})
    return services.upsert_connection(
        user,
        backend.slug,
        account.provider_user_id,
        tokens.access_token,
        tokens.refresh_token,
        tokens.expires_at,
        granted,
        profile,
    )


def _revoke_previous_grant(user, backend):
    """Give back the grant a reconnect replaces, before the new code is exchanged.

    Wahoo caps unrevoked tokens per athlete and its revocation ends every token of
    the app for the athlete, the new one too were it already issued; so it happens
    first. A failure is logged and the connect goes on.
    """
    previous = services.get_connection_by_provider(user, backend.slug)
    if previous is not None:
        _revoke_with_a_fresh_token(previous, backend, f"connection {previous.pk}")


def _revoke_with_a_fresh_token(connection, backend, what):
    try:
        # A fresh token: Wahoo and Strava revoke with the access token itself.
        get_access_token(connection, backend)
    except ProviderError as exc:
        logger.warning("no fresh token to revoke %s: %s", what, type(exc).__name__)
    return _revoke_quietly(backend, Credentials.from_connection(connection), what)


def _revoke_quietly(backend, credentials, what):
    """Revoke at the provider; a failure is logged (without tokens), not raised."""
    try:
        backend.revoke(credentials)
    except ProviderError as exc:
        logger.warning(
            "could not revoke %s %s: %s (%s)",
            backend.slug,
            what,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def explain_failure(backend, exc):
    """The athlete-facing message for a failed connect, in the request's language
    (never contains a token)."""
    name = {"provider": backend.name}
    if isinstance(exc, InsufficientScopesError):
        return gettext(
            "%(provider)s did not grant the permissions Trainlytics needs: "
            "%(scopes)s. Connect again and allow them."
        ) % {**name, "scopes": ", ".join(exc.missing)}
    if isinstance(exc, ProviderAccountInUseError):
        return (
            gettext(
                "This %(provider)s account is already linked to another Trainlytics "
                "user."
            )
            % name
        )
    if isinstance(exc, TokenCapReachedError):
        return shown(exc.user_message)
    if isinstance(exc, TransientProviderError):
        return (
            gettext(
                "%(provider)s is not answering right now, so we could not connect. "
                "Please try again in a few minutes."
            )
            % name
        )
    if isinstance(exc, ReauthRequiredError):
        return (
            gettext("%(provider)s did not accept the sign-in. Please try again.") % name
        )
    return shown(exc.user_message)


def disconnect(connection, keep_activities=True):
    """Revoke our access at the provider (best effort), then delete the connection.

    Returns True when the provider confirmed the revocation. A failure is logged and
    reported to the caller; the local connection is removed either way. Strava's data
    is always deleted (DELETE_ACTIVITIES_ON_DISCONNECT).
    """
    backend = get_backend(connection.provider)
    revoked = _revoke_with_a_fresh_token(
        connection, backend, f"connection {connection.pk}"
    )
    if connection.provider in DELETE_ACTIVITIES_ON_DISCONNECT:
        keep_activities = False
    services.delete_connection(connection, keep_activities=keep_activities)
    return revoked
