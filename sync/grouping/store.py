"""Grouping in the database: read around the changed copies, partition, write back.

A page of upserted activities costs one lock, one indexed range read (the athlete's
copies within matching.WINDOW of the page, activity_feed_idx), one read of the
athlete's decisions, one read of the members of the groups involved (only when there
are groups), and bulk writes of what changed. Nothing scans the athlete's history.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import batched

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from ..models import Activity, ActivityGroup, ActivityGroupDecision
from . import matching
from .matching import Copy, pair

COLUMNS = (
    "id",
    "provider",
    "provider_activity_id",
    "sport_type",
    "start_time",
    "utc_offset_s",
    "elapsed_time_s",
    "moving_time_s",
    "group_id",
    "is_canonical",
    "group__canonical_id",
    "group__filled",
    *matching.FILL_FIELDS,
)


def enabled():
    return getattr(settings, "ACTIVITY_GROUPING", True)


def priority():
    return getattr(settings, "ACTIVITY_PROVIDER_PRIORITY", matching.DEFAULT_PRIORITY)


def load(queryset):
    return [Copy(*row) for row in queryset.order_by().values_list(*COLUMNS)]


def lock_users(user_ids):
    """Serialise grouping per athlete, so two syncs of one athlete see each other.

    FOR NO KEY UPDATE does not conflict with the key-share locks that inserting
    activities takes on the user row, so two page transactions cannot deadlock.
    """
    users = get_user_model().objects.select_for_update(no_key=True)
    list(users.filter(pk__in=user_ids).order_by("pk").values_list("pk", flat=True))


def decisions_of(user_id):
    rows = ActivityGroupDecision.objects.filter(user_id=user_id).values_list(
        "provider_a",
        "provider_activity_id_a",
        "provider_b",
        "provider_activity_id_b",
        "decision",
    )
    return {pair((pa, ia), (pb, ib)): decision for pa, ia, pb, ib, decision in rows}


def group_page(activities):
    """Group freshly written activities (objects with user_id, provider,
    provider_activity_id and start_time) with the copies around them."""
    if not activities or not enabled():
        return
    by_user = defaultdict(list)
    for activity in activities:
        by_user[activity.user_id].append(activity)
    # Part of the caller's transaction when there is one: no savepoint needed.
    with transaction.atomic(savepoint=False):
        lock_users(sorted(by_user))
        for user_id, page in by_user.items():
            starts = [activity.start_time for activity in page]
            keys = {(a.provider, a.provider_activity_id) for a in page}
            regroup_around(user_id, min(starts), max(starts), keys)


def regroup_around(user_id, first_start, last_start, keys):
    """Regroup the copies `keys` (provider, id) that start in [first, last]."""
    copies = load(
        Activity.objects.filter(
            user_id=user_id,
            start_time__gte=first_start - matching.WINDOW,
            start_time__lte=last_start + matching.WINDOW,
        )
    )
    seeds = {c.id for c in copies if c.key in keys}
    decisions = decisions_of(user_id)
    fetched = set()
    while True:
        sessions = matching.partition(copies, decisions)
        # Every group a seed's session touches is read whole, and so is every group
        # those members' sessions touch, so no group is rewritten from a part of it.
        affected = seeds | {c.id for c in copies if c.group_id in fetched}
        chosen = [s for s in sessions if any(c.id in affected for c in s)]
        groups = {c.group_id for s in chosen for c in s if c.group_id} - fetched
        if not groups:
            break
        fetched |= groups
        known = {c.id for c in copies}
        more = load(Activity.objects.filter(group_id__in=groups))
        more = [c for c in more if c.id not in known]
        if not more:
            break
        copies += more
    write(user_id, chosen)


def regroup_user(user_id):
    """Rebuild one athlete's grouping from scratch, honouring their decisions."""
    with transaction.atomic():
        lock_users([user_id])
        copies = load(Activity.objects.filter(user_id=user_id))
        sessions = matching.partition(copies, decisions_of(user_id))
        kept = write(user_id, sessions)
        ActivityGroup.objects.filter(user_id=user_id).exclude(pk__in=kept).delete()
    return sessions


def settle_groups(group_ids):
    """Re-elect the canonical copy of groups that lost copies, or dissolve them."""
    group_ids = set(group_ids)
    copies = load(Activity.objects.filter(group_id__in=group_ids))
    sessions = defaultdict(list)
    for c in copies:
        sessions[c.group_id].append(c)
    # Groups keep their copies here (a lone copy leaves), so no group is created.
    kept = write(None, list(sessions.values()))
    ActivityGroup.objects.filter(pk__in=group_ids - kept).delete()


def write(user_id, sessions):
    """Store `sessions` (lists of copies); return the ids of the groups in use.

    A session keeps the group most of its copies already have, so a re-sync that
    changes nothing writes nothing. Groups none of the sessions keep are deleted.
    """
    now, rank = timezone.now(), priority()
    taken, old, new, plans = set(), set(), [], []
    for session in sessions:
        old |= {c.group_id for c in session if c.group_id}
        if len(session) == 1:
            plans.append((session, None, session[0], {}))
            continue
        canonical, filled = matching.elect(session, rank)
        votes = Counter(c.group_id for c in session if c.group_id not in (None, *taken))
        group_id = min(votes, key=lambda g: (-votes[g], g)) if votes else None
        if group_id is None:
            group = NewGroup(user_id, canonical.id, filled, now)
            new.append(group)
        else:
            taken.add(group_id)
            group = group_id
        plans.append((session, group, canonical, filled))
    create_groups(new)
    changed_groups, changed_copies = [], []
    for session, group, canonical, filled in plans:
        group_id = group.pk if isinstance(group, NewGroup) else group
        if isinstance(group, int):
            current = next(c for c in session if c.group_id == group_id)
            if (current.group_canonical_id, current.group_filled) != (
                canonical.id,
                filled,
            ):
                changed_groups.append(
                    ActivityGroup(
                        pk=group_id,
                        canonical_id=canonical.id,
                        filled=filled,
                        updated_at=now,
                    )
                )
        for c in session:
            is_canonical = c is canonical
            if (c.group_id, c.is_canonical) != (group_id, is_canonical):
                changed_copies.append((c.id, group_id, is_canonical))
    ActivityGroup.objects.bulk_update(
        changed_groups, ["canonical", "filled", "updated_at"], batch_size=500
    )
    set_groups(changed_copies)
    kept = taken | {g.pk for g in new}
    if old - kept:
        ActivityGroup.objects.filter(pk__in=old - kept).delete()
    return kept


# One statement for a batch of (activity id, group id, is_canonical): bulk_update's
# CASE WHEN per row cost more in Python than the write itself. PostgreSQL takes three
# arrays; SQLite a VALUES list.
SET_GROUPS_PG = (
    "UPDATE activities SET group_id = v.group_id, is_canonical = v.is_canonical "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[]) "
    "AS v (id, group_id, is_canonical) WHERE activities.id = v.id"
)
SET_GROUPS = (
    "WITH v (id, group_id, is_canonical) AS (VALUES {rows}) "
    "UPDATE activities SET group_id = v.group_id, is_canonical = v.is_canonical "
    "FROM v WHERE activities.id = v.id"
)


CREATE_GROUPS_PG = (
    "INSERT INTO activity_groups (user_id, canonical_id, filled, updated_at) "
    "SELECT v.user_id, v.canonical_id, v.filled::jsonb, %s "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
    "AS v (user_id, canonical_id, filled) RETURNING id"
)


@dataclass(slots=True)
class NewGroup:
    """A group to insert: a backfill makes thousands, and a model instance each cost
    more than the insert itself."""

    user_id: int | None
    canonical_id: int
    filled: dict
    updated_at: datetime
    pk: int | None = None


def create_groups(groups):
    """Insert `groups` (NewGroup) and set their pks: on PostgreSQL with one array
    statement, as bulk_create would but without compiling a placeholder per value."""
    if not groups:
        return
    if connection.vendor != "postgresql":
        rows = ActivityGroup.objects.bulk_create(
            ActivityGroup(
                user_id=g.user_id,
                canonical_id=g.canonical_id,
                filled=g.filled,
                updated_at=g.updated_at,
            )
            for g in groups
        )
        for group, row in zip(groups, rows, strict=True):
            group.pk = row.pk
        return
    columns = (
        [g.user_id for g in groups],
        [g.canonical_id for g in groups],
        [json.dumps(g.filled) for g in groups],
    )
    with connection.cursor() as cursor:
        cursor.execute(CREATE_GROUPS_PG, [groups[0].updated_at, *columns])
        # Rows come back in the order of the arrays, as bulk_create relies on too.
        for group, (pk,) in zip(groups, cursor.fetchall(), strict=True):
            group.pk = pk


def set_groups(changes):
    if not changes:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, group_ids, canonical = (list(c) for c in zip(*changes, strict=True))
            cursor.execute(SET_GROUPS_PG, [ids, group_ids, canonical])
            return
        for batch in batched(changes, 300):
            rows = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                SET_GROUPS.format(rows=rows), [v for row in batch for v in row]
            )
