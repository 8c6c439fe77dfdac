"""Grouping a page of activities before it is written (upsert_activities calls this).

A backfill page is mostly new copies. Grouped after the insert, every new copy that
joins a group would be written twice: inserted, then updated with its group, an update
that touches every index of the table. Grouped before, the page's copies are inserted
with their group fields and only the other providers' copies are updated. A copy not
stored yet takes a temporary negative id until the upsert gives it a real one.
"""

import json
from collections import defaultdict
from datetime import UTC
from itertools import count

from django.db import connection, transaction

from . import store
from .matching import FILL_FIELDS, WINDOW, Copy

GROUP_FIELDS = ["group", "is_canonical"]


def group_page(activities, upsert):
    """Group `activities` (unsaved Activity objects of one provider, unique keys)
    with the copies around them, set their group fields, then call `upsert()` to
    write them, which must set their pks. Returns what `upsert()` returns."""
    by_user = defaultdict(list)
    for activity in activities:
        by_user[activity.user_id].append(activity)
    plans, moved, temporary = [], set(), {}
    new_ids = count(-1, -1)
    # Part of the caller's transaction when there is one: no savepoint needed.
    with transaction.atomic(savepoint=False):
        store.lock_users(sorted(by_user))
        for user_id, page in by_user.items():
            plan, page_copies = _plan_user(user_id, page, moved, new_ids)
            if plan is not None:
                plans.append(plan)
            temporary.update((i, a) for i, a in page_copies.items() if i < 0)
        result = upsert()
        ids = {i: activity.pk for i, activity in temporary.items()}
        for plan in plans:
            plan.finish(ids)
        if moved:
            # Copies another athlete's account held before (a reconnected account
            # changed hands) left that athlete's groups.
            store.settle_groups(moved)
    return result


def _plan_user(user_id, page, moved, new_ids):
    """Plan one athlete's part of the page; set the group fields of its objects.

    Adds the groups of copies taken from another athlete to `moved`; new copies are
    numbered from `new_ids`. Returns (None, {}) when nothing can be grouped."""
    rows = _around(user_id, page)
    decisions = store.decisions_of(user_id)
    if not decisions and _alone(rows, page[0].provider, user_id):
        # Only this provider's own copies in sight and none of them grouped (the page
        # of an athlete with one provider): every copy stays alone and canonical, as
        # the objects are built.
        return None, {}
    keys = {(a.provider, a.provider_activity_id) for a in page}
    before = {c.key: c for c in rows if c.key in keys}
    copies = [c for c in rows if c.key not in keys and c.user_id == user_id]
    page_copies = {}
    for activity in page:
        old = before.get((activity.provider, activity.provider_activity_id))
        if old is not None and old.user_id != user_id and old.group_id:
            moved.add(old.group_id)
        copy = _copy(activity, old if old and old.user_id == user_id else None)
        copy.id = next(new_ids) if old is None else old.id
        copies.append(copy)
        page_copies[copy.id] = activity
    sessions = store.sessions_around(user_id, copies, set(page_copies), decisions)
    plan = store.plan(user_id, sessions, page_ids=page_copies.keys())
    for copy_id, (group_id, is_canonical) in plan.page.items():
        page_copies[copy_id].group_id = group_id
        page_copies[copy_id].is_canonical = is_canonical
    return plan, page_copies


def _alone(rows, provider, user_id):
    return all(
        row.provider == provider and row.group_id is None and row.user_id == user_id
        for row in rows
    )


def _around(user_id, page):
    """The athlete's copies around the page, and the page's own stored copies (of
    whichever athlete: the provider's id is unique across athletes).

    Raw SQL: the ORM spent longer compiling the page's ids into the query than the
    database spent answering it, and this runs for every page of every sync.
    """
    starts = [a.start_time for a in page]
    ids = [a.provider_activity_id for a in page]
    params = [
        user_id,
        connection.ops.adapt_datetimefield_value(min(starts) - WINDOW),
        connection.ops.adapt_datetimefield_value(max(starts) + WINDOW),
        page[0].provider,
        *ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(AROUND.format(ids=", ".join(["%s"] * len(ids))), params)
        return [_row_copy(row) for row in cursor.fetchall()]


# store.COLUMNS (Copy's fields) in SQL. The group's columns are read by primary key
# per row rather than by a join: a backfill grows activity_groups faster than its
# statistics, and a planner that believes it small hash-joins a sequential scan of
# it into every page.
GROUP_COLUMN = "(SELECT g.{} FROM activity_groups g WHERE g.id = a.group_id)"
SELECTED = ", ".join(
    GROUP_COLUMN.format(name.removeprefix("group__"))
    if name.startswith("group__")
    else f"a.{name}"
    for name in store.COLUMNS
)
AROUND = (
    f"SELECT {SELECTED} FROM activities a"  # noqa: S608 - model names only
    " WHERE (a.user_id = %s AND a.start_time >= %s AND a.start_time <= %s)"
    " OR (a.provider = %s AND a.provider_activity_id IN ({ids}))"
)


def _row_copy(row):
    copy = Copy(*row)
    if copy.start_time.tzinfo is None:  # SQLite keeps UTC without a zone
        copy.start_time = copy.start_time.replace(tzinfo=UTC)
    if copy.group_filled is not None:
        copy.group_filled = json.loads(copy.group_filled)
    return copy


def _copy(activity, old):
    """The page's `activity` as grouping sees it: its new data, its stored group."""
    copy = Copy(
        0,
        activity.provider,
        activity.provider_activity_id,
        activity.sport_type,
        activity.start_time,
        activity.utc_offset_s,
        activity.elapsed_time_s,
        activity.moving_time_s,
        user_id=activity.user_id,
    )
    for name in FILL_FIELDS:
        setattr(copy, name, getattr(activity, name))
    if old is not None:
        copy.group_id, copy.is_canonical = old.group_id, old.is_canonical
        copy.group_canonical_id, copy.group_filled = (
            old.group_canonical_id,
            old.group_filled,
        )
    return copy
