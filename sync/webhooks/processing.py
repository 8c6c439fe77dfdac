"""Processing one stored webhook event (the task body).

What an event means:
- create/update: fetch that one activity, or take the pushed summary, and upsert it
  through the sync engine's upsert (one row per provider activity id);
- delete: remove that provider's copy;
- deauthorization, deregistration or revoked access (Strava, Garmin, Google Health;
  Polar, COROS and Wahoo document no such event): the connection becomes `revoked`,
  its tokens are wiped, and the athlete's activities from that provider are deleted
  at once (Context.withdraw);
- Garmin userPermissionsChange: the connection's scopes become the new permissions.

Each processed or failed event of a known connection is recorded as a SyncHistory run
of type `webhook`, created already finished. Such a run is never pending or running,
so it cannot collide with a scheduled run under the one-active-run constraint, and
webhooks never wait for a long backfill. It does not move last_sync_at: one pushed
activity says nothing about the window polling covers.

A worker claims the event first (retries.claim, a conditional UPDATE), so a task
delivered twice processes it once; the event's work and its outcome commit together,
and only while the claim is still this worker's. A failed attempt is retried with
backoff or is final (retries.py says which); only a final failure records a failed
run, as a transient sync failure does only once its retries are spent.
"""

import logging

from django.db import transaction
from django.utils import timezone

from providers import services as connections
from providers.backends.base import Credentials
from providers.errors import MalformedPayloadError, ProviderError, ReauthRequiredError
from providers.models import ConnectionStatus
from providers.registry import get_backend
from providers.tokens import REVOKED_DETAIL, get_access_token, reauth_detail
from trainlytics import logcontext
from trainlytics.ops import metrics

from ..models import (
    Activity,
    SyncHistory,
    SyncStatus,
    SyncType,
    WebhookEvent,
    WebhookStatus,
)
from ..services import COUNTERS
from ..services.ingest import delete_activities, write_page
from ..signals import access_withdrawn
from . import retries
from .handlers import HANDLERS, Ignored
from .store import UNKNOWN_USER

logger = logging.getLogger(__name__)


class Context:
    """The connection, backend, HTTP session and counters of one event."""

    def __init__(self, event):
        self.event = event
        self.payload = event.payload
        self.connection = event.connection
        self.backend = get_backend(event.provider)
        self.http = self.backend.session()
        self.stats = dict.fromkeys(COUNTERS, 0)
        self.notes = {}

    def credentials(self):
        get_access_token(self.connection, self.backend)
        return Credentials.from_connection(self.connection)

    def require_active(self):
        connection = self.connection
        if connection.status != ConnectionStatus.ACTIVE or not connection.is_active:
            switch = "on" if connection.is_active else "off"
            raise Ignored(f"Connection is {connection.status}, syncing {switch}.")

    def upsert(self, raws):
        """Normalise and upsert provider payloads; malformed ones are counted."""
        write_page(self.connection, self.backend, raws, self.stats)

    def delete(self, activity_ids):
        """Remove this athlete's copies of the provider's activities `activity_ids`."""
        deleted = delete_activities(
            self.connection.user_id, self.event.provider, activity_ids
        )
        self.notes["deleted"] = self.notes.get("deleted", 0) + deleted

    def withdraw(self):
        """The athlete withdrew our access at the provider (deauthorized, deregistered,
        revoked): flag the connection revoked and wipe its tokens, delete that
        provider's activities of the athlete at once (Strava's terms give 48 h,
        COROS' reportedly 24 h; their streams and loads go with them, and grouped
        sessions re-elect their canonical copy), and tell the athlete (the dashboard,
        through access_withdrawn). Nothing is sent to the provider: the grant is
        already gone there."""
        connection, provider = self.connection, self.event.provider
        already = connection.status == ConnectionStatus.REVOKED
        connections.update_connection(
            connection,
            status=ConnectionStatus.REVOKED,
            status_detail=REVOKED_DETAIL % {"provider": self.backend.name},
            access_token="",
            refresh_token="",
            token_expires_at=None,
        )
        deleted = delete_provider_activities(connection.user_id, provider)
        self.notes["deleted"] = self.notes.get("deleted", 0) + deleted
        if already and not deleted:
            return  # a repeated notice: the athlete was told the first time
        access_withdrawn.send(
            sender=type(self),
            connection=connection,
            activities_deleted=deleted,
            when=timezone.now(),
        )


def delete_provider_activities(user_id, provider):
    """Delete the athlete's activities from `provider`, kept copies of an earlier
    connection too; return how many activities (not counting what cascaded)."""
    _, deleted = Activity.objects.filter(user_id=user_id, provider=provider).delete()
    return deleted.get(Activity._meta.label, 0)


class ClaimLost(Exception):
    """Another worker took the event over (after SYNC_RUN_TIMEOUT): roll back."""


def process_event(event_id):
    """Process event `event_id` if it is due and no other worker has it.

    Returns the event when this call settled it (whatever the outcome), else None.
    """
    event = retries.claim(event_id)
    if event is None:
        return None
    with logcontext.bind(
        webhook_event=event.pk, connection=event.connection_id, provider=event.provider
    ):
        return _process(event)


def _process(event):
    started = timezone.now()
    context = None
    try:
        with transaction.atomic():
            context = Context(event)
            try:
                _handle(context)
            except Ignored as reason:
                return _settle(event, WebhookStatus.IGNORED, str(reason))
            _settle(event, WebhookStatus.PROCESSED)
            _record_run(context, started)
            return event
    except ClaimLost:
        logger.warning("webhook event %s was taken over; work rolled back", event.pk)
        return None
    except Exception as exc:  # the event's row and the run record the outcome
        return _fail(event, context, started, exc)


def _handle(context):
    if context.connection is None:  # deleted since the event was stored
        raise Ignored(UNKNOWN_USER)
    HANDLERS[context.event.provider](context)


def _ours(event):
    """The event's row while this worker's claim holds (`attempts` is its token)."""
    return WebhookEvent.objects.filter(
        pk=event.pk, status=WebhookStatus.PROCESSING, attempts=event.attempts
    )


def _settle(event, status, error=""):
    now = timezone.now()
    if not _ours(event).update(status=status, error=error, processed_at=now):
        raise ClaimLost
    event.status, event.error, event.processed_at = status, error, now
    metrics.webhook_events(event.provider, str(status))
    return event


def _record_run(context, started, status=None, error=None):
    stats = {**context.stats, "api_calls": context.http.calls}
    if status is None:
        skipped = stats["activities_skipped"]
        status = SyncStatus.PARTIAL if skipped else SyncStatus.SUCCESS
    now = timezone.now()
    details = {"webhook_event": context.event.pk, **context.notes}
    if isinstance(error, ProviderError):
        details.update(error.details())
    return SyncHistory.objects.create(
        connection=context.connection,
        sync_type=SyncType.WEBHOOK,
        status=status,
        started_at=started,
        completed_at=now,
        duration_s=(now - started).total_seconds(),
        error_message=str(error) if error is not None else "",
        error_details=details,
        **stats,
    )


def _fail(event, context, started, exc):
    message = retries.safe_message(exc)
    if not isinstance(exc, ProviderError | MalformedPayloadError):
        logger.exception("webhook event %s failed", event.pk)
    if retries.is_retryable(exc):
        when = retries.next_attempt(event.attempts, exc)
        if when is not None:
            return _retry_later(event, message, when)
    with transaction.atomic():
        return _give_up(event, context, started, exc, message)


def _retry_later(event, message, when):
    waiting = {"status": WebhookStatus.RETRY, "next_attempt_at": when}
    if not _ours(event).update(error=message, **waiting):
        return None
    metrics.webhook_events(event.provider, "retried")
    retries.enqueue_event(event.pk, run_after=when)
    logger.info("webhook event %s: %s; retrying at %s", event.pk, message, when)
    return event


def _give_up(event, context, started, exc, message):
    failed = {"status": WebhookStatus.FAILED, "processed_at": timezone.now()}
    if not _ours(event).update(error=message, **failed):
        return None
    metrics.webhook_events(event.provider, "failed")
    if context is None or context.connection is None:
        return event
    if isinstance(exc, ReauthRequiredError):
        backend = get_backend(context.connection.provider)
        connections.mark_reauth_required(context.connection, reauth_detail(backend))
    context.stats = dict.fromkeys(COUNTERS, 0)  # the rolled-back work did not happen
    error = exc if isinstance(exc, ProviderError) else message
    _record_run(context, started, SyncStatus.FAILED, error)
    return event
