"""get_access_token(connection): a valid access token, refreshed under a row lock.

Strava, Garmin and Wahoo rotate refresh tokens on use, so two workers refreshing the
same connection at once would strand it. The refresh runs inside a transaction holding
`select_for_update` on the connection; the row is re-read first (another worker may have
refreshed already) and the new tokens are saved in that same transaction.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from trainlytics.stored_text import declare

from .backends.base import Credentials
from .errors import ReauthRequiredError
from .models import ConnectionStatus, ProviderConnection, token_expires_within
from .registry import get_backend
from .services import update_connection

logger = logging.getLogger(__name__)


def needs_refresh(holder, backend, now=None):
    """True when the access token of `holder` (anything with token_expires_at: a
    connection, a pending revocation) is within the backend's refresh margin."""
    margin = backend.get_refresh_margin()
    return token_expires_within(holder.token_expires_at, margin, now)


# status_detail is stored in English and translated on the athlete's pages.
REAUTH_DETAIL = declare(
    gettext_noop(
        "%(provider)s no longer accepts Trainlytics' access: it was revoked or has "
        "expired. Reconnect %(provider)s to resume syncing."
    )
)
# Written by sync/webhooks/processing.py when a provider says the athlete withdrew
# our access; declared here with status_detail's other sentences.
REVOKED_DETAIL = declare(
    gettext_noop(
        "%(provider)s access was withdrawn at the provider. Reconnect to sync again."
    )
)


def reauth_detail(backend):
    """What the athlete's card says when a connection needs reconnecting."""
    return REAUTH_DETAIL % {"provider": backend.name}


def can_refresh(connection):
    return bool(connection.refresh_token)


def get_access_token(connection, backend=None, force=False):
    """Return a usable access token for `connection`, refreshing it if it expires soon
    (or, with `force`, because the provider just refused it).

    Raises ReauthRequiredError (after flagging the connection `reauth_required`) when
    the provider refuses the refresh; network and 5xx errors propagate as transient
    errors and leave the connection as it is.
    """
    backend = backend or get_backend(connection.provider)
    if not force and not needs_refresh(connection, backend):
        return connection.access_token
    try:
        with transaction.atomic():
            locked = ProviderConnection.objects.select_for_update().get(
                pk=connection.pk
            )
            if force or needs_refresh(locked, backend):
                _refresh(locked, backend)
    except ReauthRequiredError as exc:
        # Flag outside the rolled-back transaction so the status sticks.
        _flag_reauth(connection, backend, exc)
        raise
    connection.refresh_from_db()
    return connection.access_token


def refreshed_fields(backend, credentials):
    """Refresh `credentials` at the provider; the token fields to store."""
    tokens = backend.refresh(credentials)
    fields = {"token_expires_at": tokens.expires_at}
    # None means "unchanged" (COROS extends the same token; Google keeps the refresh
    # token): never overwrite a stored token with nothing.
    if tokens.access_token:
        fields["access_token"] = tokens.access_token
    if tokens.refresh_token:
        fields["refresh_token"] = tokens.refresh_token
    return fields


def _refresh(connection, backend):
    credentials = Credentials.from_connection(connection)
    update_connection(connection, **refreshed_fields(backend, credentials))
    logger.info(
        "refreshed %s token of connection %s", connection.provider, connection.pk
    )


def _flag_reauth(connection, backend, exc):
    detail = reauth_detail(backend)
    ProviderConnection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.REAUTH_REQUIRED,
        status_detail=detail,
        updated_at=timezone.now(),
    )
    connection.status = ConnectionStatus.REAUTH_REQUIRED
    connection.status_detail = detail
    logger.warning(
        "%s connection %s needs reconnect: %s", connection.provider, connection.pk, exc
    )
