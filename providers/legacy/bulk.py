"""PostgreSQL COPY for the legacy import's bulk writes; the ORM elsewhere.

An import moves hundreds of thousands of rows. A multi-row INSERT built by the ORM
costs more in Python (compiling the SQL, quoting every value of every array) than the
database spends storing the rows, so on PostgreSQL new rows are streamed with COPY.
The values are still what the ORM would store: tokens go through the field's own
encryption, other values are what `get_db_prep_save` returns (see `preparer`); only
the transport differs. sync/tests/test_import_legacy_units.py checks a copied row
reads back as a saved one.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg.types.json import Jsonb, set_json_dumps

from ..fields import EncryptedTextField

COLUMN_TYPES_SQL = (
    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass"
    " AND attnum > 0 AND NOT attisdropped"
)
# Fields whose ORM preparation returns a value of these types unchanged on PostgreSQL
# (to_python of a str, bool or int is itself; an aware datetime is not adapted).
PLAIN_TYPES = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.FloatField: float,
    models.ForeignKey: int,
    models.DateTimeField: datetime,
}


def uses_copy():
    return connection.vendor == "postgresql"


# JSONField's json.dumps without the spaces (jsonb keeps none) or the check for
# circular references (import rows are plain trees): a third cheaper per row.
_json_dumps = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


def copy_rows(table, columns, rows):
    """COPY `rows` (tuples in `columns` order; plain values, dicts or lists in JSON
    columns) into `table`, in the current transaction. Raises Django's IntegrityError
    on conflict.

    Binary COPY: the server parses no text and psycopg formats no numbers or dates,
    which halves the cost per row. Each column is sent as its own type, read from the
    catalogue, so a value that does not fit fails here as an INSERT would.
    """
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT binary)"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(COLUMN_TYPES_SQL, [table])
        oids = dict(cursor.fetchall())
        set_json_dumps(_json_dumps, cursor.cursor)
        with cursor.copy(sql) as copy:
            copy.set_types([oids[name] for name in columns])
            for row in rows:
                copy.write_row(row)


def json_preparer():
    """How to hand a JSON value to this database's bulk writes: encoded now for
    copy_rows (json_for_copy), or as it is for the ORM."""
    return json_for_copy if uses_copy() else _same


def json_for_copy(value):
    """`value` encoded now, for a JSON column of copy_rows to send as it is.

    The import's writer thread, which waits on the server in between, is its slowest
    link; the thread preparing the next batch has time to spare for the encoding.
    """
    return Jsonb(_json_dumps(value), dumps=_same)


def preparer(field, db):
    """value -> what `field.get_db_prep_save(value, db)` returns, without its chain
    of calls for the common plain values: for connections that chain cost about as
    much as the two token encryptions. Anything unusual takes the chain itself."""
    slow = partial(field.get_db_prep_save, connection=db)
    if isinstance(field, EncryptedTextField):
        # Its own encryption path; the rest of the chain only adds calls.
        return field.get_prep_value
    if isinstance(field, models.JSONField) and field.encoder is None:
        return _same  # binary COPY dumps it as JSONField would
    plain = PLAIN_TYPES.get(type(field))
    if plain is None:
        return slow
    if plain is datetime:
        return lambda v: (
            v if v is None or (type(v) is datetime and v.tzinfo) else slow(v)
        )
    return lambda v: v if v is None or type(v) is plain else slow(v)


def _same(value):
    return value


def copy_models(model, objs):
    """Insert new, unsaved `objs` of `model` with COPY (bulk_create elsewhere).

    Each value is what an ORM insert would store (see `preparer`).
    """
    if not uses_copy():
        model.objects.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # The wrapper itself, not the `connection` proxy: the proxy costs a thread-local
    # lookup on each of the many attribute reads the fields make per value.
    db = connections[DEFAULT_DB_ALIAS]
    prepare = [(preparer(f, db), f.attname) for f in fields]
    # pre_save matters only where it sets the value (auto_now, auto_now_add).
    stamped = [
        f
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    rows = (_row(obj, prepare, stamped) for obj in objs)
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)


def _row(obj, prepare, stamped):
    for f in stamped:
        f.pre_save(obj, True)
    values = obj.__dict__
    return [prep(values[name]) for prep, name in prepare]


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
