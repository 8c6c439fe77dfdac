"""Bulk writes of legacy activities and sync runs (see providers/legacy/bulk.py).

On PostgreSQL each activity batch is COPied into a temporary table and moved with one
INSERT ... ON CONFLICT, inside the caller's transaction; rows are plain tuples, so no
model instance is built per row. Every value is still decided by the project's code
(normalise() in activities.py); only the transport differs. Other databases (SQLite
in development) take the ORM path, with the same results.
"""

from django.db import IntegrityError, connection, transaction

from providers.legacy.bulk import copy_rows, uses_copy
from providers.models import LegacyImportRecord

from ..models import Activity, SyncHistory
from ..services.activities import DATA_FIELDS, UPDATE_FIELDS
from ..services.activities import upsert_activities as orm_upsert_activities

# The normalised fields (ActivityData) plus who owns them and when they were written.
ACTIVITY_COLUMNS = (
    "user_id",
    "connection_id",
    "provider",
    *DATA_FIELDS,
    "created_at",
    "updated_at",
)
ID_AT = ACTIVITY_COLUMNS.index("provider_activity_id")
# Model fields the import does not set (added by later features) get their defaults,
# as an ORM insert would give them.
DEFAULTED_FIELDS = [
    f
    for f in Activity._meta.concrete_fields
    if not f.primary_key and f.attname not in ACTIVITY_COLUMNS
]
ALL_COLUMNS = (*ACTIVITY_COLUMNS, *(f.column for f in DEFAULTED_FIELDS))
# The columns sync.services.activities.upsert_activities updates on a conflict.
ACTIVITY_UPDATES = [
    f"{column} = EXCLUDED.{column}"
    for column in (Activity._meta.get_field(name).column for name in UPDATE_FIELDS)
]
# Built from the constants above only, never from data.
_COLUMNS = ", ".join(ALL_COLUMNS)
BATCH_TABLE = "legacy_import_activities"
CREATE_BATCH = (
    f"CREATE TEMPORARY TABLE {BATCH_TABLE} AS SELECT {_COLUMNS}"  # noqa: S608
    " FROM activities WITH NO DATA"
)
MOVE_BATCH = (
    f"INSERT INTO activities ({_COLUMNS}) SELECT {_COLUMNS} FROM {BATCH_TABLE}"  # noqa: S608
    " ON CONFLICT (provider, provider_activity_id) DO UPDATE SET "
    + ", ".join(ACTIVITY_UPDATES)
    # A copy a sync stored meanwhile (no legacy marker) is kept, as plan_activity
    # keeps the ones it sees: only rows that came from the legacy import are updated.
    + " WHERE activities.activity_data -> 'legacy' IS NOT NULL"
)

NEXT_IDS = (
    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
)
RECORD_COLUMNS = (
    "source_table",
    "legacy_id",
    "digest",
    "connection_id",
    "sync_run_id",
    "connection_written_at",
    "imported_at",
)

STORED_ACTIVITIES = (
    "SELECT provider_activity_id, user_id, connection_id,"
    " activity_data #>> '{legacy,md5}' FROM activities WHERE provider = 'strava'"
    " AND provider_activity_id = ANY(string_to_array(%s, ','))"
)


def upsert_activities(provider, rows, all_new=False):
    """Insert or update legacy activities (tuples in ACTIVITY_COLUMNS order).

    `all_new`: the caller has just looked and found none of them stored, so the
    check before the plain COPY is skipped (a conflict still falls back to merging).

    The same write as sync.services.activities.upsert_activities, keyed on
    (provider, provider_activity_id) and updating the same columns, so a concurrent
    sync of the same activity is merged rather than duplicated.
    """
    if not rows:
        return
    if not uses_copy():
        activities = [
            Activity(**dict(zip(ACTIVITY_COLUMNS, r, strict=True))) for r in rows
        ]
        orm_upsert_activities(provider, activities)
        return
    defaults = tuple(
        f.get_db_prep_save(f.get_default(), connection) for f in DEFAULTED_FIELDS
    )
    rows = [row + defaults for row in rows]
    ids = [row[ID_AT] for row in rows]
    if all_new or not stored_activities(ids, first_only=True):
        try:
            # All new (a first import): straight in, without the temporary table.
            with transaction.atomic():
                copy_rows(Activity._meta.db_table, ALL_COLUMNS, rows)
            return
        except IntegrityError:
            pass  # a sync stored one of them meanwhile: merge below
    with transaction.atomic(), connection.cursor() as cursor:
        # Dropped below, not ON COMMIT: a dry run keeps one transaction open throughout.
        cursor.execute(CREATE_BATCH)
        copy_rows(BATCH_TABLE, ALL_COLUMNS, rows)
        cursor.execute(MOVE_BATCH)
        cursor.execute(f"DROP TABLE {BATCH_TABLE}")


def stored_activities(ids, first_only=False):
    """{provider_activity_id: (user_id, connection_id, legacy md5)} of Strava `ids`.

    The md5 is None for an activity without the legacy marker (synced from Strava).
    `first_only`: at most one, to learn whether any is stored.
    """
    if not uses_copy():
        return {
            pid: rest
            for pid, *rest in Activity.objects.filter(
                provider="strava", provider_activity_id__in=ids
            ).values_list(
                "provider_activity_id",
                "user_id",
                "connection_id",
                "activity_data__legacy__md5",
            )[: 1 if first_only else None]
        }
    # One array parameter instead of thousands: an IN list of them costs more to
    # quote and plan than the lookup itself. Strava ids are digits, never commas.
    with connection.cursor() as cursor:
        sql = STORED_ACTIVITIES + (" LIMIT 1" if first_only else "")
        cursor.execute(sql, [",".join(ids)])
        return {pid: tuple(rest) for pid, *rest in cursor.fetchall()}


def insert_sync_runs(columns, rows):
    """Insert new SyncHistory rows (tuples in `columns` order); returns their pks,
    in order. On PostgreSQL the ids are drawn from the table's sequence first: COPY
    returns none, and the import records need them."""
    if not rows:
        return []
    if not uses_copy():
        runs = [SyncHistory(**dict(zip(columns, r, strict=True))) for r in rows]
        return [run.pk for run in SyncHistory.objects.bulk_create(runs)]
    table = SyncHistory._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(NEXT_IDS, [table, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
    numbered = [(pk, *r) for pk, r in zip(ids, rows, strict=True)]
    copy_rows(table, ["id", *columns], numbered)
    return ids


def insert_records(rows):
    """Insert new LegacyImportRecord rows (tuples in RECORD_COLUMNS order)."""
    if not rows:
        return
    if not uses_copy():
        LegacyImportRecord.objects.bulk_create(
            [
                LegacyImportRecord(**dict(zip(RECORD_COLUMNS, r, strict=True)))
                for r in rows
            ]
        )
        return
    copy_rows(LegacyImportRecord._meta.db_table, RECORD_COLUMNS, rows)
