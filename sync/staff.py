"""What staff can ask of the sync engine from the admin, in batches.

Each function calls the engine's public services (sync.services); the batching only
decides which connections to skip and counts the outcome for the admin's message.
"""

from dataclasses import dataclass, field

from django.db import transaction

from providers import services as connections
from providers.models import ConnectionStatus

from .models import ACTIVE_SYNC_STATUSES, SyncHistory, SyncStatus, SyncType
from .services import SyncInProgressError, enqueue_run, start_sync
from .services import request_sync as request_one


@dataclass
class Outcome:
    """How a batch went: runs queued, and connections skipped, with why."""

    queued: list = field(default_factory=list)
    busy: list = field(default_factory=list)
    unavailable: list = field(default_factory=list)
    not_failed: list = field(default_factory=list)


def _busy_ids(connection_ids):
    """Connections with a pending or running run, in one query."""
    return set(
        SyncHistory.objects.filter(
            connection_id__in=connection_ids, status__in=ACTIVE_SYNC_STATUSES
        ).values_list("connection_id", flat=True)
    )


def _syncable(connection):
    return connection.is_active and connection.status == ConnectionStatus.ACTIVE


def request_syncs(selected, sync_type=SyncType.MANUAL):
    """Request a run of each connection that is switched on, healthy and idle.

    request_sync itself hands back an active run instead of starting a second one, so
    a run started between our check and the request is harmless (counted as queued).
    """
    outcome = Outcome()
    selected = list(selected)
    busy = _busy_ids([c.pk for c in selected])
    for connection in selected:
        if not _syncable(connection):
            outcome.unavailable.append(connection)
        elif connection.pk in busy:
            outcome.busy.append(connection)
        else:
            request_one(connection, sync_type)
            outcome.queued.append(connection)
    return outcome


def request_full_sync(connection):
    """Queue a run that fetches everything the provider keeps; None while one is active.

    run_sync fetches the whole history when last_sync_at is empty, and only a
    successful run sets it again, so the full fetch survives retries and deferrals
    (a `full` flag on the task would be lost when the engine re-enqueues the run).
    """
    with transaction.atomic():
        try:
            run = start_sync(connection, SyncType.MANUAL)
        except SyncInProgressError:
            return None
        connections.update_connection(connection, last_sync_at=None)
        enqueue_run(run.pk)
    return run


def request_full_syncs(selected):
    outcome = Outcome()
    for connection in selected:
        if not _syncable(connection):
            outcome.unavailable.append(connection)
        elif request_full_sync(connection) is None:
            outcome.busy.append(connection)
        else:
            outcome.queued.append(connection)
    return outcome


def retry_runs(runs):
    """Request a new run of each failed run's connection (once per connection).

    Runs that did not fail are skipped and listed in `not_failed`.
    """
    failed = {}
    not_failed = []
    for run in runs:
        if run.status == SyncStatus.FAILED:
            failed.setdefault(run.connection_id, run.connection)
        else:
            not_failed.append(run)
    outcome = request_syncs(failed.values())
    outcome.not_failed = not_failed
    return outcome
