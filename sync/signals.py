"""Signals `sync` sends so other apps (planning) can react without being imported here.

Each is sent inside a transaction, so a receiver's writes commit or roll back with
what it reacts to.
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import Signal

# Activities of one athlete were written, regrouped or lost a copy.
# kwargs: user_id, starts (the start_time of every activity concerned), or
# everything=True when the change is user-wide (a full regroup, an import).
activities_changed = Signal()

# sync_due's scheduled pass ran (once a minute in production). kwargs: now
scheduled_pass = Signal()

# A provider told us the athlete withdrew our access; that provider's activities were
# deleted. kwargs: connection, activities_deleted, when
access_withdrawn = Signal()

_batch = threading.local()


def announce(user_id, starts):
    """Send activities_changed now, or once at the end of the open batch."""
    pending = getattr(_batch, "pending", None)
    if pending is None:
        activities_changed.send(None, user_id=user_id, starts=starts)
    else:
        pending.setdefault(user_id, []).extend(starts)


@contextmanager
def batched():
    """Announce the pages written inside once, at the end, in their own transaction.

    A backfill writes hundreds of pages; its receivers (matching planned workouts)
    then run once over every day it touched instead of once per page. The batch is
    announced even when a later page fails: the pages before it stay written.
    """
    if getattr(_batch, "pending", None) is not None:
        yield  # an outer batch announces
        return
    _batch.pending = {}
    try:
        yield
    finally:
        pending, _batch.pending = _batch.pending, None
        for user_id, starts in pending.items():
            with transaction.atomic():
                _lock_user(user_id)
                activities_changed.send(None, user_id=user_id, starts=starts)


def _lock_user(user_id):
    # The same lock a page write takes, so the announcement sees a settled athlete.
    from .grouping.store import lock_users

    lock_users([user_id])
