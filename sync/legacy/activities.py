"""Legacy `activities` -> Activity, normalised exactly as the Strava sync does.

Each legacy row is turned into a Strava SummaryActivity-shaped dict built from the
typed columns only (they are the truth; `raw` holds junk), then goes through
`normalize_strava_activity`, the function the sync itself uses (providers.md §2.5).
`activity_data` is that Strava-shaped dict plus the whole legacy row under "legacy"
(with an md5 of it, so a re-run can tell an unchanged row). The natural key is the
sync's, ("strava", str(strava_activity_id)): a later sync updates the imported row.
A row the sync has already refreshed (no "legacy" key) is left alone.
"""

import math
from datetime import timedelta
from operator import attrgetter

from django.db import transaction
from django.utils import timezone

from providers.backends.strava import normalize_strava_activity
from providers.errors import MalformedPayloadError
from providers.legacy.bulk import Pipeline, json_preparer
from providers.legacy.source import aware_from_epoch

from ..cache import bump_data_version
from ..models import Activity, Workout
from ..services.activities import DATA_FIELDS
from ..signals import activities_changed
from .writer import stored_activities, upsert_activities

TABLE = "activities"
ACTIVITIES_SQL = (
    "SELECT id, user_id, strava_activity_id, name, type,"
    " extract(epoch FROM start_date)::float8 AS start_date, timezone, utc_offset,"
    " distance, moving_time, elapsed_time, total_elevation_gain, average_heartrate,"
    " max_heartrate, calories, raw, extract(epoch FROM created_at)::float8 AS"
    " created_at, md5(a::text) AS digest FROM activities a"
)
METRICS = (
    "distance",
    "total_elevation_gain",
    "average_heartrate",
    "max_heartrate",
    "calories",
)
DURATIONS = ("moving_time", "elapsed_time")
MAX_OFFSET_S = 18 * 3600  # the widest UTC offset ISO 8601 allows
# ActivityData's fields as a tuple in one C call; ACTIVITY_COLUMNS holds them in this
# order between (user, connection, provider) and (created_at, updated_at).
_data_values = attrgetter(*DATA_FIELDS)
NAME_AT = DATA_FIELDS.index("name")
DATA_AT = DATA_FIELDS.index("activity_data")


def _iso(when):
    return when.isoformat().replace("+00:00", "Z")


def strava_shape(row):
    """(SummaryActivity-shaped dict, [problems]) from the typed legacy columns."""
    start = aware_from_epoch(row["start_date"])
    if start is None:
        raise MalformedPayloadError(f"impossible start_date {row['start_date']}")
    problems = []
    shaped = {
        "id": row["strava_activity_id"],
        "name": row["name"],
        "sport_type": row["type"] or "",
        "type": row["type"] or "",
        "start_date": _iso(start),
        "timezone": row["timezone"],
        "utc_offset": row["utc_offset"],
    }
    for column in METRICS:
        value = row[column]
        if value is not None and not math.isfinite(value):
            problems.append(f"{column} is {value}; stored as missing")
            value = None
        shaped[column] = value
    for column in DURATIONS:
        value = row[column]
        if value is not None and value < 0:
            problems.append(f"negative {column}; stored as missing")
            value = None
        shaped[column] = value
    offset = row["utc_offset"]
    if offset is not None and abs(offset) > MAX_OFFSET_S:
        problems.append(f"impossible utc_offset {offset}; stored as missing")
        shaped["utc_offset"] = offset = None
    if offset is not None:
        # Strava's local wall time, wrongly suffixed "Z" like the real API (§2.5).
        local = start.replace(tzinfo=None) + timedelta(seconds=offset)
        shaped["start_date_local"] = local.isoformat() + "Z"
    shaped["has_heartrate"] = shaped["average_heartrate"] is not None
    return shaped, problems


def legacy_row(row, start_iso=None, problems=True):
    """The legacy row as JSON, timestamps as ISO strings and its md5 alongside.

    `start_iso`: start_date already formatted by strava_shape (the same value);
    `problems`: strava_shape's, empty when no metric can be non-finite.
    """
    data = dict(row)
    data["md5"] = data.pop("digest")
    if start_iso is None:
        start = aware_from_epoch(row["start_date"])
        start_iso = _iso(start) if start else None
    data["start_date"] = start_iso
    created = aware_from_epoch(row["created_at"])
    data["created_at"] = _iso(created) if created else None
    for column in METRICS if problems else ():
        value = data[column]
        if value is not None and not math.isfinite(value):
            data[column] = str(value)  # JSON has no NaN or Infinity
    return data


def normalise(row):
    """(ActivityData, [problems]); MalformedPayloadError when the row is unusable."""
    shaped, problems = strava_shape(row)
    data = normalize_strava_activity(shaped)
    # Added after normalising, into the same dict rather than a copy of it.
    shaped["legacy"] = legacy_row(row, shaped["start_date"], problems)
    data.activity_data = shaped
    return data, problems


def plan_activity(existing, user_id, connection_id, digest):
    """ "create" | "update" | "unchanged" | "synced" for one row against the target.

    `existing` is (user_id, connection_id, legacy md5) of the stored row, or None.
    """
    if existing is None:
        return "create"
    if existing[2] is None:
        return "synced"
    return "unchanged" if existing == (user_id, connection_id, digest) else "update"


def import_activities(source, report, user_map, strava_connections, batch_size):
    """Import every legacy activity; `strava_connections`: user id -> connection id."""
    report.start(TABLE, source.count(TABLE))
    touched = set()
    # A first import into a target without Strava activities needs no look-up per
    # batch. A sync storing one meanwhile makes that batch's COPY fail; the writer
    # then merges it, keeping the synced copy.
    lookup = (
        stored_activities
        if Activity.objects.filter(provider="strava").exists()
        else None
    )
    with Pipeline() as writes:
        for rows in source.batches(ACTIVITIES_SQL, batch_size):
            touched |= _import_batch(
                rows, report, user_map, strava_connections, writes, lookup
            )
            report.advance(TABLE, len(rows))
    # No sync run records these writes: refresh the owners' cached dashboards, once
    # each (an interrupted import leaves them to the cache's expiry).
    for user_id in touched:
        bump_data_version(user_id)
    # Imported sessions may do planned workouts: match the owners who plan (few).
    for user_id in (
        Workout.objects.filter(user_id__in=touched)
        .values_list("user_id", flat=True)
        .distinct()
    ):
        with transaction.atomic():
            activities_changed.send(Activity, user_id=user_id, everything=True)
    report.progress(TABLE)


def _import_batch(rows, report, user_map, strava_connections, writes, lookup):
    # Batches hold distinct Strava ids, so this read needs no wait for the write of
    # the previous batch, which may still be running in the writer thread.
    existing = lookup([str(r["strava_activity_id"]) for r in rows]) if lookup else {}
    now = timezone.now()
    as_json = json_preparer()
    batch, created, unchanged, touched = [], 0, 0, set()
    for row in rows:
        user_id = user_map.get(row["user_id"])
        if user_id is None:
            report.skip(TABLE, row["id"], "owner not imported")
            continue
        conn_id = strava_connections.get(user_id)
        action = plan_activity(
            existing.get(str(row["strava_activity_id"])),
            user_id,
            conn_id,
            row["digest"],
        )
        if action == "synced":
            report.tally(TABLE, "unchanged", "kept the copy synced from Strava")
            continue
        if action == "unchanged":
            unchanged += 1
            continue
        try:
            data, problems = normalise(row)
        except MalformedPayloadError as exc:
            report.skip(TABLE, row["id"], str(exc))
            continue
        for problem in problems:
            report.note("fixed", TABLE, row["id"], problem)
        batch.append(_activity(data, user_id, conn_id, row, now, as_json))
        touched.add(user_id)
        created += action == "create"
    if batch:
        # All new against what was just read: the writer skips its own check.
        writes.submit(_write, batch, created == len(batch))
    report.count(TABLE, "unchanged", unchanged)
    report.count(TABLE, "created", created)
    report.count(TABLE, "updated", len(batch) - created)
    return touched


def _write(rows, all_new):
    with transaction.atomic():
        upsert_activities("strava", rows, all_new=all_new)


def _activity(data, user_id, connection_id, row, now, as_json):
    """One row for the writer, in ACTIVITY_COLUMNS order; `as_json` prepares
    activity_data (json_for_copy, or unchanged for the ORM)."""
    values = list(_data_values(data))
    if values[NAME_AT]:
        values[NAME_AT] = values[NAME_AT][:255]
    values[DATA_AT] = as_json(values[DATA_AT])
    created = aware_from_epoch(row["created_at"]) or now
    return (user_id, connection_id, "strava", *values, created, now)
