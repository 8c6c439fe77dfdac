"""The one statement that writes a batch of training loads.

bulk_create() spent most of a backfill's recompute in Python (a model instance and
a compiled placeholder per value: a second for 20,000 loads). Loads are plain rows
with no signals, so they go as tuples: on PostgreSQL with COPY (psycopg's copy(),
half the time of an INSERT ... SELECT from one JSON document), elsewhere with
executemany.
"""

from django.db import connection

from .models import TrainingLoad

COLUMNS = ("activity_id", "user_id", "day", "load", "method", "computed_at")


def _column_sql():
    return ", ".join(TrainingLoad._meta.get_field(name).column for name in COLUMNS)


def insert_loads(rows):
    """Insert `rows`: tuples in COLUMNS order (day a date, computed_at aware)."""
    if not rows:
        return
    table = TrainingLoad._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy = f"COPY {table} ({_column_sql()}) FROM STDIN"
            with cursor.cursor.copy(copy) as stream:
                for row in rows:
                    stream.write_row(row)
            return
        marks = ", ".join(["%s"] * len(COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({_column_sql()}) VALUES ({marks})",  # noqa: S608 - model names only
            [_adapted(row) for row in rows],
        )


def _adapted(row):
    # Stored as Django stores them on this database (SQLite: naive UTC text).
    activity_id, user_id, day, load, method, computed_at = row
    ops = connection.ops
    return (
        activity_id,
        user_id,
        ops.adapt_datefield_value(day),
        load,
        method,
        ops.adapt_datetimefield_value(computed_at),
    )
