"""Training loads kept current when sync announces changed activities.

sync never imports analytics: it sends activities_changed inside the transaction
that wrote, regrouped or split activities (once per backfill, thanks to batched()),
and Django's deletion signals for deleted copies. A deleted load goes with its
activity (TrainingLoad.activity cascades); what needs work is a deleted canonical
copy whose group elects another copy, which has no load yet.
"""

import threading

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from sync.models import Activity
from sync.signals import activities_changed

from . import cache, services

_deleting = threading.local()


@receiver(activities_changed, dispatch_uid="analytics.recompute_loads")
def recompute_loads(sender, user_id, starts=(), everything=False, **kwargs):
    if everything:
        return f"loads {services.recompute_user(user_id)}"
    return f"loads {services.recompute_starts(user_id, starts)}"


def _pending():
    if not hasattr(_deleting, "starts"):
        _deleting.starts = {}
    return _deleting.starts


@receiver(pre_delete, sender=Activity, dispatch_uid="analytics.note_deleted_copy")
def note_deleted_copy(sender, instance, origin=None, **kwargs):
    """Note the athletes who lose a copy, and the starts of grouped canonical copies
    about to go: their groups will elect other copies."""
    if isinstance(origin, get_user_model()):
        return  # the athlete goes, and every load with them
    starts = _pending().setdefault(id(origin), {}).setdefault(instance.user_id, [])
    if instance.group_id is not None and instance.is_canonical:
        starts.append(instance.start_time)


@receiver(post_delete, sender=Activity, dispatch_uid="analytics.load_new_canonical")
def load_new_canonical(sender, instance, origin=None, **kwargs):
    """After the first delete of a delete call (sync's receiver, connected before
    this one, has settled the groups by then), load the newly elected copies."""
    for user_id, starts in _pending().pop(id(origin), {}).items():
        cache.bump(user_id)  # the page's records and volume count the copy
        services.recompute_starts(user_id, starts)
