"""Legacy `sync_logs` -> SyncHistory runs of the user's Strava connection.

`ok` becomes success, `error` failed with its message, `running` (which never
finished: the old worker died) failed "interrupted". A log is identified on re-runs by
its LegacyImportRecord (legacy id, md5, the run it became), kept out of error_details,
which holds what went wrong and nothing else; the records are read once per run.
Logs of users without a Strava connection are skipped.
"""

import re

from django.db import transaction
from django.utils import timezone

from providers.legacy.bulk import Pipeline
from providers.legacy.source import aware_from_epoch
from providers.models import LegacyImportRecord

from ..models import SyncHistory, SyncStatus, SyncType
from .writer import insert_records, insert_sync_runs

TABLE = "sync_logs"
SYNC_LOGS_SQL = (
    "SELECT id, user_id, extract(epoch FROM started_at)::float8 AS started_at,"
    " extract(epoch FROM finished_at)::float8 AS finished_at, status,"
    " activities_synced, error, md5(s::text) AS digest FROM sync_logs s"
)
STATUSES = {"ok": SyncStatus.SUCCESS, "error": SyncStatus.FAILED}
INTERRUPTED = "interrupted"
UPDATE_FIELDS = [
    "connection",
    "status",
    "started_at",
    "completed_at",
    "duration_s",
    "activities_fetched",
    "error_message",
    "error_details",
]
# A new run is written as one tuple; history_fields sets every field without a default.
NEW_RUN_FIELDS = [
    f
    for f in SyncHistory._meta.concrete_fields
    if not f.primary_key and f.attname != "connection_id"
]
NEW_RUN_COLUMNS = ["connection_id", *(f.attname for f in NEW_RUN_FIELDS)]
# The old worker logged request URLs and headers in its errors; tokens stop here.
SECRET = re.compile(
    r"((?:access_token|refresh_token|code|client_secret)=)[^&\s\"']+"
    r"|(Bearer\s+)[\w.~+/-]+=*",
    re.IGNORECASE,
)


def scrub(message):
    return SECRET.sub(lambda m: (m.group(1) or m.group(2)) + "***", message or "")


def history_fields(row):
    """(SyncHistory field values or None when unusable, problem) for one legacy log."""
    started = aware_from_epoch(row["started_at"])
    if started is None:
        return None, f"impossible started_at {row['started_at']}"
    status = (row["status"] or "").strip().lower()
    finished = aware_from_epoch(row["finished_at"])
    fields = {
        "sync_type": SyncType.SCHEDULED,  # the old app only synced on a timer
        "created_at": started,
        "started_at": started,
        "completed_at": finished,
        "duration_s": (finished - started).total_seconds() if finished else None,
        "activities_fetched": max(row["activities_synced"] or 0, 0),
        "error_message": "",
        "error_details": {},
    }
    if status == "running":
        fields.update(status=SyncStatus.FAILED, error_message=INTERRUPTED)
    elif status in STATUSES:
        fields["status"] = STATUSES[status]
        if status == "error":
            fields["error_message"] = scrub(row["error"]) or "failed"
    else:
        return None, f"unknown status {row['status']!r}"
    return fields, ""


def imported_logs():
    """({legacy id: (SyncHistory pk, legacy md5, connection id, record pk)} already
    imported, {legacy id: record pk} of records whose run has since been deleted)."""
    records = LegacyImportRecord.objects.filter(source_table=TABLE).values_list(
        "legacy_id", "sync_run_id", "digest", "connection_id", "pk"
    )
    runs = SyncHistory.objects.values("pk")
    done = {r[0]: r[1:] for r in records.filter(sync_run_id__in=runs)}
    gone = dict(records.exclude(sync_run_id__in=runs).values_list("legacy_id", "pk"))
    return done, gone


def import_sync_logs(source, report, user_map, strava_connections, batch_size):
    """Import every legacy sync log; `strava_connections`: user id -> connection id."""
    report.start(TABLE, source.count(TABLE))
    done, gone = imported_logs()
    with Pipeline() as writes:
        for rows in source.batches(SYNC_LOGS_SQL, batch_size):
            _import_batch(
                rows, report, user_map, strava_connections, done, writes, gone
            )
            report.advance(TABLE, len(rows))
    report.progress(TABLE)


def _import_batch(rows, report, user_map, strava_connections, done, writes, gone):
    new, changed, unchanged = [], [], 0
    # Once per batch, not per row: as an ORM insert would, at this moment.
    defaults = [(f.attname, f.get_default()) for f in NEW_RUN_FIELDS]
    for row in rows:
        conn_id = strava_connections.get(user_map.get(row["user_id"]))
        if conn_id is None:
            report.skip(TABLE, row["id"], "no Strava connection for this user")
            continue
        previous = done.get(row["id"])
        if previous and previous[1:3] == (row["digest"], conn_id):
            unchanged += 1
            continue
        fields, problem = history_fields(row)
        if fields is None:
            report.skip(TABLE, row["id"], problem)
            continue
        if previous:
            run = SyncHistory(pk=previous[0], connection_id=conn_id, **fields)
            changed.append((run, previous[3], row))
        else:
            new.append((_new_run(conn_id, fields, defaults), row))
    if new or changed:
        stale = [gone[row["id"]] for _, row in new if row["id"] in gone]
        writes.submit(_write, new, changed, stale)
    report.count(TABLE, "unchanged", unchanged)
    report.count(TABLE, "created", len(new))
    report.count(TABLE, "updated", len(changed))


def _write(new, changed, stale):
    """Write a batch's runs and their import records in one transaction; `stale`:
    records of deleted runs, replaced by those of the runs made again."""
    now = timezone.now()
    with transaction.atomic():
        LegacyImportRecord.objects.filter(pk__in=stale).delete()
        run_ids = insert_sync_runs(NEW_RUN_COLUMNS, [run for run, _ in new])
        insert_records(
            [
                (TABLE, row["id"], row["digest"], run[0], run_id, None, now)
                for (run, row), run_id in zip(new, run_ids, strict=True)
            ]
        )
        if changed:
            SyncHistory.objects.bulk_update([r for r, _, _ in changed], UPDATE_FIELDS)
            LegacyImportRecord.objects.bulk_update(
                [
                    LegacyImportRecord(
                        pk=record_pk,
                        digest=row["digest"],
                        connection_id=run.connection_id,
                        imported_at=now,
                    )
                    for run, record_pk, row in changed
                ],
                ["digest", "connection", "imported_at"],
            )


def _new_run(conn_id, fields, defaults):
    """One tuple in NEW_RUN_COLUMNS order; `defaults`: field name -> default."""
    return (conn_id, *[fields.get(name, default) for name, default in defaults])
