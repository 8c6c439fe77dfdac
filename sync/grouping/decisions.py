"""The athlete corrects the grouping: split a copy out, merge a missed pair.

Each correction is stored as a decision on pairs of provider ids (ActivityGroupDecision)
and then the copies around it are regrouped with the same code a sync uses, so the
result is what a later sync or `regroup_activities` would produce too.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from .. import cache
from ..models import Activity, ActivityGroupDecision, GroupDecision
from ..signals import activities_changed
from . import store
from .matching import pair


class GroupingError(Exception):
    """The correction cannot be made; the message is for the athlete."""


def _decide(user, a, b, decision):
    (pa, ia), (pb, ib) = pair(
        (a.provider, a.provider_activity_id), (b.provider, b.provider_activity_id)
    )
    ActivityGroupDecision.objects.update_or_create(
        provider_a=pa,
        provider_activity_id_a=ia,
        provider_b=pb,
        provider_activity_id_b=ib,
        defaults={"user": user, "decision": decision},
    )


def _copies(activity):
    if activity.group_id is None:
        return [activity]
    return list(Activity.objects.filter(group_id=activity.group_id).order_by("id"))


def _regroup(user, copies):
    starts = [c.start_time for c in copies]
    keys = {(c.provider, c.provider_activity_id) for c in copies}
    store.regroup_around(user.pk, min(starts), max(starts), keys)
    activities_changed.send(Activity, user_id=user.pk, starts=starts)


def _own(user, *activities):
    if any(activity.user_id != user.pk for activity in activities):
        raise PermissionDenied(gettext("Not this athlete's activity."))


def split_activity(user, activity):
    """Take `activity` out of its group for good; the rest re-elect or dissolve."""
    _own(user, activity)
    with transaction.atomic():
        store.lock_users([user.pk])
        activity.refresh_from_db()
        others = [c for c in _copies(activity) if c.pk != activity.pk]
        if not others:
            raise GroupingError(
                gettext("This activity is not grouped with another copy.")
            )
        for other in others:
            _decide(user, activity, other, GroupDecision.APART)
        _regroup(user, [activity, *others])
    cache.bump_data_version(user.pk)
    activity.refresh_from_db()
    return activity


def merge_activities(user, a, b):
    """Record that `a` and `b` are one session and join their groups."""
    _own(user, a, b)
    if a.pk == b.pk:
        raise GroupingError(gettext("Choose two different activities to merge."))
    if a.provider == b.provider:
        raise GroupingError(
            gettext("Only copies from different providers can be merged.")
        )
    with transaction.atomic():
        store.lock_users([user.pk])
        a.refresh_from_db()
        b.refresh_from_db()
        left, right = _copies(a), _copies(b)
        if a.group_id is not None and a.group_id == b.group_id:
            raise GroupingError(gettext("These activities are already grouped."))
        decisions = store.decisions_of(user.pk)
        for x in left:
            for y in right:
                key = pair(
                    (x.provider, x.provider_activity_id),
                    (y.provider, y.provider_activity_id),
                )
                if (x, y) != (a, b) and decisions.get(key) == GroupDecision.APART:
                    raise GroupingError(
                        gettext(
                            "These activities cannot be merged: you split a copy of "
                            "one from a copy of the other earlier."
                        )
                    )
        _decide(user, a, b, GroupDecision.TOGETHER)
        _regroup(user, [*left, *right])
    cache.bump_data_version(user.pk)
    a.refresh_from_db()
    return a
