"""Groups that lose a copy re-elect their canonical copy or dissolve.

Every delete path (webhook delete, disconnect without keeping activities, Strava
deauthorization, admin, a user deleted) goes through Django's deletion collector,
which sends pre_delete for every row before deleting any, then post_delete for each.
sync.receivers notes the groups of the doomed copies at pre_delete, and the first
post_delete of the same delete call settles all of them at once, inside the delete's
transaction, so a disconnect of thousands of copies settles its groups in a few
queries instead of a few per copy.
"""

import threading

from . import store

_pending = threading.local()


def _by_origin():
    if not hasattr(_pending, "groups"):
        _pending.groups = {}
    return _pending.groups


def note(group_id, origin):
    """Before a grouped copy is deleted by the delete call `origin`."""
    _by_origin().setdefault(id(origin), set()).add(group_id)


def settle(origin):
    """After the copies of `origin` are deleted (the first call does the work).

    Settling is idempotent, so a stale entry (a delete that failed between the
    signals, its id reused) costs a redundant re-election, never a wrong one.
    """
    group_ids = _by_origin().pop(id(origin), None)
    if group_ids:
        store.settle_groups(group_ids)
