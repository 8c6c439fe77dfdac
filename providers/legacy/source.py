"""The legacy database, read over its own psycopg connection and never written.

The whole run reads inside one READ ONLY, REPEATABLE READ transaction: the server
refuses any write, and every table is seen in the same snapshot, so a row that arrives
in the middle of an import is left for the next run instead of half-seen.
Timestamps are selected as epoch seconds: the legacy data holds values ('infinity',
year 9999) that Python's datetime cannot represent, and the importer decides about them.
"""

import math
import queue
import threading
from datetime import UTC, datetime

import psycopg
from psycopg.rows import dict_row

TABLES = ("users", "strava_connections", "user_connections", "activities", "sync_logs")


class SourceError(Exception):
    """The legacy database cannot be read (connection refused, tables missing...)."""


def aware_from_epoch(value):
    """An aware UTC datetime from epoch seconds; None when impossible to represent."""
    if value is None or not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


class LegacySource:
    def __init__(self, url):
        try:
            self.conn = psycopg.connect(url, row_factory=dict_row)
            self.conn.read_only = True
            self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        except psycopg.Error as exc:
            raise SourceError(f"cannot connect to the legacy database: {exc}") from None

    def close(self):
        self.conn.rollback()
        self.conn.close()

    def fetch(self, sql, params=()):
        try:
            return self.conn.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise SourceError(f"cannot read the legacy database: {exc}") from None

    def count(self, table):
        if table not in TABLES:
            raise ValueError(table)
        return self.fetch(f"SELECT count(*) AS n FROM {table}")[0]["n"]  # noqa: S608

    def batches(self, select, batch_size):
        """Lists of rows of `select` (ending in `FROM t`) in keyset batches by id.

        Keyset paging keeps memory bounded without a long-lived server-side cursor.
        The next batch is read by a thread while the caller works on this one: psycopg
        releases the GIL while the legacy server builds the rows, so reading overlaps
        the import's Python work. At most two batches wait, so memory stays flat.
        """
        pages = queue.Queue(maxsize=1)
        stop = threading.Event()
        reader = threading.Thread(
            target=self._read_pages, args=(select, batch_size, pages, stop), daemon=True
        )
        reader.start()
        try:
            while True:
                rows = pages.get()
                if isinstance(rows, BaseException):
                    raise rows
                if not rows:
                    return
                yield rows
        finally:
            stop.set()  # the caller stopped early or failed: let the reader go
            reader.join()

    def _read_pages(self, select, batch_size, pages, stop):
        sql = f"{select} WHERE id > %s ORDER BY id LIMIT %s"
        last_id = 0
        try:
            while not stop.is_set():
                rows = self.fetch(sql, (last_id, batch_size))
                _put(pages, rows, stop)
                if not rows:
                    return
                last_id = rows[-1]["id"]
        except BaseException as exc:  # handed to the caller, raised there
            _put(pages, exc, stop)


def _put(pages, item, stop):
    while not stop.is_set():
        try:
            pages.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
