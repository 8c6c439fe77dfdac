"""Bulk writes of groups and of copies' group fields, in as few statements as can be.

A backfill makes thousands of groups and touches thousands of copies: model instances
and bulk_update's CASE WHEN per row cost more in Python than the writes themselves, so
on PostgreSQL each write is one statement over arrays; SQLite takes a VALUES list.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from itertools import batched

from django.db import connection

from ..models import ActivityGroup

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
    """A group to insert. canonical_id is None while the canonical copy is not
    stored yet (see sync.grouping.page)."""

    user_id: int | None
    canonical_id: int | None
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


def update_groups(groups):
    """Store the canonical copy and filled metrics of existing groups."""
    ActivityGroup.objects.bulk_update(
        groups, ["canonical", "filled", "updated_at"], batch_size=500
    )


def set_groups(changes):
    """Write (activity id, group id, is_canonical) for each of `changes`."""
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
