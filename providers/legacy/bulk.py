"""PostgreSQL COPY for the legacy import's bulk writes; the ORM elsewhere.

An import moves hundreds of thousands of rows. A multi-row INSERT built by the ORM
costs more in Python (compiling the SQL, quoting every value of every array) than the
database spends storing the rows, so on PostgreSQL new rows are streamed with COPY.
The values are still what the ORM would send: each field prepares its own value
(`get_db_prep_save`, which encrypts tokens and wraps JSON), only the transport differs.
"""

import json

from django.db import connection

JSON_COLUMNS = {"activity_data", "error_details"}


def uses_copy():
    return connection.vendor == "postgresql"


def copy_rows(table, columns, rows):
    """COPY `rows` (tuples in `columns` order; plain dicts in JSON columns) into
    `table`, in the current transaction. Raises Django's IntegrityError on conflict."""
    json_at = [i for i, name in enumerate(columns) if name in JSON_COLUMNS]
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(sql) as copy,
    ):
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    # What JSONField stores: json.dumps with the default encoder.
                    row[i] = json.dumps(row[i])
            copy.write_row(row)


def copy_models(model, objs):
    """Insert new, unsaved `objs` of `model` with COPY (bulk_create elsewhere).

    Each value is prepared exactly as an ORM insert prepares it.
    """
    if not uses_copy():
        model.objects.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
        for obj in objs
    )
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)
