"""Grouping in the database: read around the changed copies, partition, write back.

Regrouping around some copies costs one lock, one indexed range read (the athlete's
copies within matching.WINDOW of them), one read of the athlete's decisions, one read
of the members of the groups involved (only when there are groups), and bulk writes
of what changed. Nothing scans the athlete's history. A page about to be upserted is
grouped the same way before it is written (sync.grouping.page).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from ..models import Activity, ActivityGroup
from ..signals import activities_changed
from . import matching
from .matching import Copy, pair
from .writes import NewGroup, create_groups, set_groups, update_groups

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
    "user_id",
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
    SQLite locks the whole database for a write transaction instead. This and
    decisions_of() run for every page of every sync, so they skip the ORM.
    """
    if connection.vendor != "postgresql":
        return
    table = get_user_model()._meta.db_table
    marks = ", ".join(["%s"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id IN ({marks})"  # noqa: S608 - no data
            " ORDER BY id FOR NO KEY UPDATE",
            list(user_ids),
        )


DECISIONS = (
    "SELECT provider_a, provider_activity_id_a, provider_b, provider_activity_id_b,"
    " decision FROM activity_group_decisions WHERE user_id = %s"
)


def decisions_of(user_id):
    with connection.cursor() as cursor:
        cursor.execute(DECISIONS, [user_id])
        rows = cursor.fetchall()
    return {pair((pa, ia), (pb, ib)): decision for pa, ia, pb, ib, decision in rows}


def regroup_around(user_id, first_start, last_start, keys):
    """Regroup the copies `keys` (provider, id) that start in [first, last]."""
    copies = load(window(user_id, first_start, last_start))
    seeds = {c.id for c in copies if c.key in keys}
    write(user_id, sessions_around(user_id, copies, seeds))


def window(user_id, first_start, last_start):
    """The athlete's copies that could be one session with one starting in
    [first_start, last_start] (an indexed range read, activity_feed_idx)."""
    return Activity.objects.filter(
        user_id=user_id,
        start_time__gte=first_start - matching.WINDOW,
        start_time__lte=last_start + matching.WINDOW,
    )


def sessions_around(user_id, copies, seeds, decisions=None):
    """The sessions of `copies` that hold a seed (copy ids) or share a group with
    one, after reading the rest of every group involved."""
    if decisions is None:
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
            return chosen
        fetched |= groups
        known = {c.id for c in copies}
        more = load(Activity.objects.filter(group_id__in=groups))
        more = [c for c in more if c.id not in known]
        if not more:
            return chosen
        copies += more


def regroup_user(user_id):
    """Rebuild one athlete's grouping from scratch, honouring their decisions."""
    with transaction.atomic():
        lock_users([user_id])
        copies = load(Activity.objects.filter(user_id=user_id))
        sessions = matching.partition(copies, decisions_of(user_id))
        kept = write(user_id, sessions)
        ActivityGroup.objects.filter(user_id=user_id).exclude(pk__in=kept).delete()
        activities_changed.send(Activity, user_id=user_id, everything=True)
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
    """Store `sessions` (lists of copies); return the ids of the groups in use."""
    return plan(user_id, sessions).finish()


@dataclass
class Plan:
    """How some sessions are stored. New groups are already inserted (so a page about
    to be upserted can name them); `page` holds the group fields of the page's copies,
    which the upsert writes; the rest is written by finish()."""

    page: dict = field(default_factory=dict)  # copy id: (group id, is_canonical)
    copies: list = field(default_factory=list)  # (id, group id, is_canonical)
    groups: list = field(default_factory=list)  # ActivityGroup rows to update
    kept: set = field(default_factory=set)
    dropped: set = field(default_factory=set)

    def finish(self, stored_ids=None):
        """Write the rest; `stored_ids` maps the page's temporary ids to real ones."""
        for group in self.groups:
            if group.canonical_id is not None and group.canonical_id < 0:
                group.canonical_id = stored_ids[group.canonical_id]
        update_groups(self.groups)
        set_groups(self.copies)
        if self.dropped:
            ActivityGroup.objects.filter(pk__in=self.dropped).delete()
        return self.kept


def plan(user_id, sessions, page_ids=frozenset()):
    """Decide how to store `sessions`; copies in `page_ids` are the caller's to write.

    A session keeps the group most of its copies already have, so a re-sync that
    changes nothing writes nothing. Groups none of the sessions keep are dropped.
    A copy not stored yet has a negative id; a group it leads is created without a
    canonical copy and updated by finish().
    """
    now, rank, result = timezone.now(), priority(), Plan()
    old, new, waiting, placed = set(), [], [], []
    for session in sessions:
        old |= {c.group_id for c in session if c.group_id}
        if len(session) == 1:
            placed.append((session, None, session[0], {}))
            continue
        canonical, filled = matching.elect(session, rank)
        taken = (None, *result.kept)
        votes = Counter(c.group_id for c in session if c.group_id not in taken)
        if votes:
            group = min(votes, key=lambda g: (-votes[g], g))
            result.kept.add(group)
        elif canonical.id > 0:
            group = NewGroup(user_id, canonical.id, filled, now)
            new.append(group)
        else:
            group = NewGroup(user_id, None, filled, now)
            new.append(group)
            waiting.append((group, canonical.id))
        placed.append((session, group, canonical, filled))
    create_groups(new)
    result.kept |= {group.pk for group in new}
    result.groups += [
        ActivityGroup(pk=g.pk, canonical_id=temp, filled=g.filled, updated_at=now)
        for g, temp in waiting
    ]
    for session, group, canonical, filled in placed:
        group_id = group.pk if isinstance(group, NewGroup) else group
        if isinstance(group, int):
            _update_group(result, session, group_id, canonical, filled, now)
        for c in session:
            fields = (group_id, c is canonical)
            if c.id in page_ids:
                result.page[c.id] = fields
            elif (c.group_id, c.is_canonical) != fields:
                result.copies.append((c.id, *fields))
    result.dropped = old - result.kept
    return result


def _update_group(result, session, group_id, canonical, filled, now):
    current = next(c for c in session if c.group_id == group_id)
    if (current.group_canonical_id, current.group_filled) != (canonical.id, filled):
        result.groups.append(
            ActivityGroup(
                pk=group_id, canonical_id=canonical.id, filled=filled, updated_at=now
            )
        )
