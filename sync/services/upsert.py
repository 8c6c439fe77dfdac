"""The one statement that writes a page of activities.

bulk_create(update_conflicts=True) is the statement everywhere but PostgreSQL. On
PostgreSQL it spent more time in Python than the database spent writing: compiling a
placeholder per value and quoting every element of twenty text arrays (about a third
of a backfill's time in bench/sync_ingest.py). There the page goes as one JSON
document, serialised in C, and the statement casts each element back to its column's
type: the same INSERT ... ON CONFLICT (provider, provider_activity_id) DO UPDATE of
the same columns. The values are what normalisation made (str, int, float, bool, an
aware datetime, a dict for activity_data), which need no preparing on PostgreSQL.
RETURNING tells which rows were inserted, so no extra read is needed to count them.
"""

import json
import math
from datetime import datetime

from django.db import connection
from django.db.models import JSONField

from ..models import Activity

FIELDS = [f for f in Activity._meta.concrete_fields if not f.primary_key]
ATTNAMES = [f.attname for f in FIELDS]


def upsert_page(provider, activities, update_fields):
    """Insert or update `activities` of `provider` (unsaved Activity objects with
    unique keys), updating `update_fields` on a conflict; set their pks; return how
    many were new."""
    if connection.vendor != "postgresql":
        return _bulk_create(provider, activities, update_fields)
    rows = [[getattr(a, name) for name in ATTNAMES] for a in activities]
    with connection.cursor() as cursor:
        cursor.execute(_statement(tuple(update_fields)), [_dumps(rows)])
        returned = {pid: (pk, new) for pid, pk, new in cursor.fetchall()}
    for activity in activities:
        activity.pk, _ = returned[activity.provider_activity_id]
    return sum(new for _, new in returned.values())


def _bulk_create(provider, activities, update_fields):
    try:
        json.dumps([a.activity_data for a in activities], allow_nan=False, default=str)
    except ValueError:  # as in _dumps; SQLite refuses NaN in JSON too
        for a in activities:
            a.activity_data = _finite(a.activity_data)
    ids = [activity.provider_activity_id for activity in activities]
    stored = Activity.objects.filter(
        provider=provider, provider_activity_id__in=ids
    ).count()
    Activity.objects.bulk_create(
        activities,
        update_conflicts=True,
        unique_fields=["provider", "provider_activity_id"],
        update_fields=update_fields,
    )
    return len(activities) - stored


_STATEMENTS = {}


def _statement(update_fields):
    """The page upsert updating `update_fields` (built from the model only)."""
    if update_fields not in _STATEMENTS:
        columns = ", ".join(f.column for f in FIELDS)
        # A JSON array per row, so names are written once, not once per row.
        values = ", ".join(
            f"r -> {i}"
            if isinstance(f, JSONField)
            else f"(r ->> {i})::{f.db_type(connection)}"
            for i, f in enumerate(FIELDS)
        )
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}"
            for c in (Activity._meta.get_field(n).column for n in update_fields)
        )
        _STATEMENTS[update_fields] = (
            f"INSERT INTO activities ({columns}) "  # noqa: S608 - model names only
            f"SELECT {values} FROM jsonb_array_elements(%s::jsonb) AS r "
            f"ON CONFLICT (provider, provider_activity_id) DO UPDATE SET {updates} "
            # xmax is 0 on a row this statement inserted, set on one it updated.
            "RETURNING provider_activity_id, id, (xmax = 0)"
        )
    return _STATEMENTS[update_fields]


def _dumps(rows):
    try:
        return json.dumps(rows, default=_encode, allow_nan=False)
    except ValueError:
        # NaN or Infinity somewhere in a raw payload (Python's JSON parser accepts
        # them; PostgreSQL's jsonb does not). Rare, so only then is the page walked.
        return json.dumps(_finite(rows), default=_encode, allow_nan=False)


def _finite(value):
    """`value` with every NaN or infinite float inside it replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in an activity")
