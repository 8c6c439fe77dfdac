"""When runs happen: request, enqueue after commit, defer, schedule, reap.

Tasks carry only a run id. A task delivered twice, or late, is harmless: run_sync
claims a run with a conditional UPDATE, so exactly one worker executes it.
"""

import logging
import zlib
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from providers.models import ConnectionStatus, ProviderConnection

from .. import conf
from ..models import SyncHistory, SyncStatus, SyncType
from ..signals import scheduled_pass
from ..webhooks.retries import requeue_due_events
from .history import SyncInProgressError, start_sync

logger = logging.getLogger(__name__)

WORKER_LOST_MESSAGE = "Worker lost: the run did not finish in time and was stopped."


def enqueue_after_commit(task, object_id, run_after=None):
    """Enqueue `task(object_id)` once the current transaction commits.

    A backend that cannot defer (ImmediateBackend) is not given later work: sync_due
    enqueues pending runs and due webhook retries once they are due.
    """
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    transaction.on_commit(partial(task.enqueue, object_id))


def enqueue_run(sync_id, run_after=None):
    """Enqueue run `sync_id` once the current transaction commits."""
    from ..tasks import sync_connection  # tasks imports services

    enqueue_after_commit(sync_connection, sync_id, run_after)


def request_new_sync(connection, sync_type=SyncType.MANUAL):
    """A new run, enqueued after commit; SyncInProgressError (carrying the run) while
    another one is pending or running."""
    sync = start_sync(connection, sync_type)
    enqueue_run(sync.pk)
    return sync


def request_sync(connection, sync_type=SyncType.MANUAL):
    """The connection's pending or running run, or a new one enqueued after commit."""
    try:
        return request_new_sync(connection, sync_type)
    except SyncInProgressError as exc:
        return exc.sync


def schedule_run(connection, sync_type, when):
    """A new pending run that waits until `when` (after a rate limit)."""
    try:
        sync = start_sync(connection, sync_type)
    except SyncInProgressError as exc:
        return exc.sync
    SyncHistory.objects.filter(pk=sync.pk).update(next_attempt_at=when)
    sync.next_attempt_at = when
    enqueue_run(sync.pk, run_after=when)
    return sync


def defer_run(sync, when):
    """Leave a pending run pending until `when` (the shared budget is spent)."""
    SyncHistory.objects.filter(pk=sync.pk, status=SyncStatus.PENDING).update(
        next_attempt_at=when
    )
    sync.next_attempt_at = when
    enqueue_run(sync.pk, run_after=when)
    logger.info("sync #%s deferred until %s", sync.pk, when.isoformat())


def _jitter(connection_id):
    # Stable per connection, so connections synced together drift apart.
    spread = conf.duration("SYNC_JITTER")
    seconds = int(spread.total_seconds())
    if seconds <= 0:
        return spread * 0
    return spread * (zlib.crc32(str(connection_id).encode()) % seconds / seconds)


def due_connections(now=None):
    """Active connections with no run within SYNC_INTERVAL (plus their jitter)."""
    now = now or timezone.now()
    cutoff = now - conf.duration("SYNC_INTERVAL")
    # A run the reaper failed (its worker died) synced nothing: it does not hold the
    # connection, which is scheduled again in the pass that reaped it.
    recent_run = SyncHistory.objects.filter(
        connection=OuterRef("pk"), created_at__gte=cutoff
    ).exclude(status=SyncStatus.FAILED, error_message=WORKER_LOST_MESSAGE)
    candidates = (
        ProviderConnection.objects.filter(
            is_active=True, status=ConnectionStatus.ACTIVE
        )
        .filter(Q(last_sync_at__isnull=True) | Q(last_sync_at__lt=cutoff))
        .exclude(Exists(recent_run))
        .order_by("pk")
    )
    for connection in candidates.iterator():
        last = connection.last_sync_at
        if last is None or last <= cutoff - _jitter(connection.pk):
            yield connection


def reap_stuck_runs(now=None):
    """Fail runs still `running` after SYNC_RUN_TIMEOUT: their worker died."""
    now = now or timezone.now()
    timeout = conf.duration("SYNC_RUN_TIMEOUT")
    stuck = SyncHistory.objects.filter(
        status=SyncStatus.RUNNING, started_at__lt=now - timeout
    )
    reaped = 0
    for sync in stuck.only("pk", "started_at", "error_details"):
        reaped += SyncHistory.objects.filter(
            pk=sync.pk, status=SyncStatus.RUNNING
        ).update(
            status=SyncStatus.FAILED,
            completed_at=now,
            duration_s=(now - sync.started_at).total_seconds(),
            error_message=WORKER_LOST_MESSAGE,
            error_details={**sync.error_details, "kind": "worker_lost"},
        )
    return reaped


def requeue_waiting_runs(now=None):
    """Enqueue pending runs overdue by SYNC_PENDING_GRACE (lost or never deferred)."""
    now = now or timezone.now()
    overdue = now - conf.duration("SYNC_PENDING_GRACE")
    waiting = SyncHistory.objects.annotate(
        due_at=Coalesce("next_attempt_at", "created_at")
    ).filter(status=SyncStatus.PENDING, due_at__lte=overdue)
    ids = list(waiting.values_list("pk", flat=True))
    for sync_id in ids:
        enqueue_run(sync_id)
    return len(ids)


def enqueue_due_syncs(now=None):
    """What `manage.py sync_due` does; safe to run every minute from cron.

    Webhook events get the same care as runs: due retries enqueued again, events
    whose worker died reaped (sync.webhooks.retries).
    """
    now = now or timezone.now()
    reaped = reap_stuck_runs(now)
    requeued = requeue_waiting_runs(now)
    webhooks = requeue_due_events(now)
    scheduled = 0
    for connection in due_connections(now):
        request_sync(connection, SyncType.SCHEDULED)
        scheduled += 1
    others = [str(answer) for _, answer in scheduled_pass.send(None, now=now)]
    return {
        "others": others,
        "reaped": reaped,
        "requeued": requeued,
        "scheduled": scheduled,
        "webhooks_requeued": webhooks["requeued"],
        "webhooks_reaped": webhooks["reaped"],
    }
