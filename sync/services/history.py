"""Sync history services: plain functions, the only code that writes SyncHistory."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from providers import services as connections
from trainlytics.ops import metrics

from ..models import ACTIVE_SYNC_STATUSES, SyncHistory, SyncStatus

COUNTERS = (
    "activities_fetched",
    "activities_created",
    "activities_updated",
    "activities_skipped",
    "api_calls",
)
FINISHED_STATUSES = (
    SyncStatus.SUCCESS,
    SyncStatus.PARTIAL,
    SyncStatus.FAILED,
    SyncStatus.RATE_LIMITED,
)


class SyncInProgressError(Exception):
    """A run of this connection is already pending or running; `.sync` is that run."""

    def __init__(self, sync):
        self.sync = sync
        super().__init__(
            f"Sync #{sync.pk} of this connection is already {sync.status}."
        )


def get_active_sync(connection):
    return SyncHistory.objects.filter(
        connection=connection, status__in=ACTIVE_SYNC_STATUSES
    ).first()


def start_sync(connection, sync_type):
    """Record a new pending run; SyncInProgressError while another one is active.

    The database's conditional unique constraint is the arbiter, so concurrent callers
    (threads, workers, hosts) get exactly one run.
    """
    try:
        with transaction.atomic():
            return SyncHistory.objects.create(
                connection=connection, sync_type=sync_type, status=SyncStatus.PENDING
            )
    except IntegrityError:
        existing = get_active_sync(connection)
        if existing is None:  # it finished between our insert and this read
            return start_sync(connection, sync_type)
        raise SyncInProgressError(existing) from None


def complete_sync(sync, status, stats, error=None):
    """Finish a run: completion time, duration, counters and the error, if any.

    `stats` maps counter names (COUNTERS) to values. `error` is a message string or a
    `providers.errors.ProviderError` (whose details are recorded). The connection's
    `last_sync_at` moves only on success or partial success.
    """
    if status not in FINISHED_STATUSES:
        raise ValueError(f"{status!r} is not a finished sync status")
    now = timezone.now()
    sync.status = status
    sync.completed_at = now
    sync.duration_s = (now - sync.started_at).total_seconds()
    for name in COUNTERS:
        if name in stats:
            setattr(sync, name, stats[name])
    if error is not None:
        sync.error_message = str(error)
        details = error.details() if hasattr(error, "details") else {}
        sync.error_details = {**sync.error_details, **details}
    with transaction.atomic():
        sync.save()
        if status in (SyncStatus.SUCCESS, SyncStatus.PARTIAL):
            connections.update_last_sync(sync.connection, sync.window_end or now)
    metrics.sync_finished(sync)
    return sync


def get_sync_history(connection, limit=20):
    return list(SyncHistory.objects.filter(connection=connection)[:limit])


def get_latest_sync(connection):
    return SyncHistory.objects.filter(connection=connection).first()
