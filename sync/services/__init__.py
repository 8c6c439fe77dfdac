"""Sync services: the only code that writes SyncHistory and Activity rows.

history     start_sync, complete_sync and the read helpers
runner      run_sync: one attempt at one run, and the failure taxonomy
scheduling  request_sync, deferral, sync_due's work (due connections, reaper)
budget      the per-provider request budget shared by all workers
activities  the page upsert
"""

from .activities import delete_connection_activities, upsert_activities
from .history import (
    COUNTERS,
    FINISHED_STATUSES,
    SyncInProgressError,
    complete_sync,
    get_active_sync,
    get_latest_sync,
    get_sync_history,
    start_sync,
)
from .runner import run_sync, sync_in_foreground
from .scheduling import (
    due_connections,
    enqueue_due_syncs,
    enqueue_run,
    reap_stuck_runs,
    request_new_sync,
    request_sync,
    requeue_waiting_runs,
)

__all__ = [
    "COUNTERS",
    "FINISHED_STATUSES",
    "SyncInProgressError",
    "complete_sync",
    "delete_connection_activities",
    "due_connections",
    "enqueue_due_syncs",
    "enqueue_run",
    "get_active_sync",
    "get_latest_sync",
    "get_sync_history",
    "reap_stuck_runs",
    "request_new_sync",
    "request_sync",
    "requeue_waiting_runs",
    "run_sync",
    "start_sync",
    "sync_in_foreground",
    "upsert_activities",
]
