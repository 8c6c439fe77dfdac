"""PostgreSQL COPY for the legacy import's bulk writes; the ORM elsewhere.

An import moves hundreds of thousands of rows. A multi-row INSERT built by the ORM
costs more in Python (compiling the SQL, quoting every value of every array) than the
database spends storing the rows, so on PostgreSQL new rows are streamed with COPY.
The values are still what the ORM would send: each field prepares its own value
(`get_db_prep_save`, which encrypts tokens and wraps JSON), only the transport differs.
"""

import json
from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connection, connections

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
    # The wrapper itself, not the `connection` proxy: the proxy costs a thread-local
    # lookup on each of the many attribute reads the fields make per value.
    db = connections[DEFAULT_DB_ALIAS]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in objs
    )
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)


class Pipeline:
    """Runs each batch's write in a second thread while the caller prepares the next.

    The writer thread has its own database connection (Django's are per thread), and
    each write is still its own transaction there. At most one write is in flight:
    `submit` first waits for the previous one, so memory stays at two batches and an
    error surfaces at the next batch at the latest. Inside a transaction (a dry run,
    a test) or off PostgreSQL, writes run inline in the caller's connection instead.
    Use as a context manager: leaving waits for the last write.
    """

    def __init__(self):
        threaded = uses_copy() and not connection.in_atomic_block
        self.pool = ThreadPoolExecutor(1, "legacy-writer") if threaded else None
        self.pending = None

    def submit(self, write, *args):
        self.wait()
        if self.pool is None:
            write(*args)
        else:
            self.pending = self.pool.submit(write, *args)

    def wait(self):
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __enter__(self):
        if self.pool is not None:
            self.pool.submit(bulk_session, True).result()
        return self

    def __exit__(self, *exc_info):
        try:
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.submit(_close_connection).result()
                self.pool.shutdown()


def _close_connection():
    connection.close()  # the calling thread's own: Django's proxy resolves it here


def bulk_session(on):
    """Turn on (or back off) the settings for writing the import's batches.

    synchronous_commit off: a batch's COMMIT returns before its WAL reaches the disk.
    A crash can then lose the last fraction of a second of committed batches, never
    corrupt anything; the import is idempotent and resumable, so the next run writes
    them again. It is this session's setting only, so nothing else is affected.
    """
    if uses_copy():
        with connection.cursor() as cursor:
            cursor.execute(
                "SET synchronous_commit TO off" if on else "RESET synchronous_commit"
            )
