"""The export zip, written member by member into a file (never whole in memory).

    profile.json         the account, athlete settings, calendar feed dates
    connections.json     each provider link: account id, status, dates, scopes
    activities.json      every activity, with the provider's raw payload
    activities.csv       the same activities, one row each, without the payload
    sync_history.json    every sync run of every connection
    workouts.json        planned workouts and where each was sent
    streams/<name>.csv   every sample of every activity with detailed data
    gpx/<name>.gpx       the route of those that have positions
    originals/<name>.fit the file the provider sent, where it sent one

<name> is the activity's start (UTC) and id, the `id` of activities.json/.csv.
Rows are read in chunks, and each member is compressed as it is written.
"""

import csv
import io
import json
import shutil
import zipfile

from django.core.serializers.json import DjangoJSONEncoder

from analytics.models import ActivityStreams, StreamStatus
from sync.models import Activity

from . import records, tracks
from .models import OriginalActivityFile

# Where each step starts, in percent; the last one ends at FILES_DONE.
STEP_STARTS = {
    "profile": 0,
    "connections": 2,
    "activities": 4,
    "activities_csv": 20,
    "sync_history": 30,
    "workouts": 35,
    "streams": 40,
    "originals": 85,
}
FILES_DONE = 95


def write_archive(user, fileobj, progress):
    """Write the zip of everything held about `user` to the binary file `fileobj`.

    `progress` is exports.services.Progress: told where each step starts and how
    far along it is.
    """
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        progress.begin("profile", STEP_STARTS["profile"])
        _json(zf, "profile.json", records.profile(user))
        progress.begin("connections", STEP_STARTS["connections"])
        _json(zf, "connections.json", records.connections(user))

        count = Activity.objects.filter(user=user).count()
        progress.begin("activities", STEP_STARTS["activities"])
        tick = progress.span(STEP_STARTS["activities"], STEP_STARTS["activities_csv"])
        _json_array(
            zf, "activities.json", records.activities(user, raw=True), count, tick
        )
        tick = progress.span(STEP_STARTS["activities_csv"], STEP_STARTS["sync_history"])
        _activities_csv(zf, records.activities(user), count, tick)

        progress.begin("sync_history", STEP_STARTS["sync_history"])
        _json_array(zf, "sync_history.json", records.sync_runs(user))
        progress.begin("workouts", STEP_STARTS["workouts"])
        _json_array(zf, "workouts.json", records.workouts(user))

        progress.begin("streams", STEP_STARTS["streams"])
        _streams(
            zf, user, progress.span(STEP_STARTS["streams"], STEP_STARTS["originals"])
        )
        progress.begin("originals", STEP_STARTS["originals"])
        _originals(zf, user, progress.span(STEP_STARTS["originals"], FILES_DONE))


def _dumps(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def _json(zf, name, value):
    zf.writestr(name, _dumps(value) + "\n")


def _json_array(zf, name, rows, total=None, tick=None):
    with zf.open(name, "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("[")
        for n, row in enumerate(rows):
            out.write(",\n" if n else "\n")
            out.write(_dumps(row))
            if tick is not None:
                tick(n + 1, total)
        out.write("\n]\n")
        out.flush()
        out.detach()


def _activities_csv(zf, rows, total, tick):
    with zf.open("activities.csv", "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.DictWriter(out, fieldnames=records.ACTIVITY_FIELDS)
        writer.writeheader()
        for n, row in enumerate(rows):
            writer.writerow({k: _cell(v) for k, v in row.items()})
            tick(n + 1, total)
        out.flush()
        out.detach()


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def base_name(activity):
    return f"{activity.start_time:%Y-%m-%d_%H%M%S}_{activity.pk}"


def _streams(zf, user, tick):
    rows = (
        ActivityStreams.objects.filter(activity__user=user, status=StreamStatus.READY)
        .select_related("activity")
        .only(
            "id",
            "data",
            *(f"activity__{f}" for f in ("name", "sport_type", "start_time")),
        )
        .order_by("activity__start_time", "id")
    )
    total = rows.count()
    # A few rows at a time: each holds a whole session's samples.
    for n, row in enumerate(rows.iterator(chunk_size=20)):
        channels = tracks.channels_of(row)
        if channels.get("time_s"):
            name = base_name(row.activity)
            with zf.open(f"streams/{name}.csv", "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                tracks.write_csv(out, row.activity, channels)
                out.flush()
                out.detach()
            gpx = tracks.gpx_text(row.activity, channels)
            if gpx is not None:
                zf.writestr(f"gpx/{name}.gpx", gpx)
        tick(n + 1, total)


def _originals(zf, user, tick):
    rows = (
        OriginalActivityFile.objects.filter(activity__user=user)
        .select_related("activity")
        .defer("activity__activity_data")
    )
    total = rows.count()
    for n, row in enumerate(rows.order_by("activity__start_time", "id")):
        name = f"originals/{base_name(row.activity)}_{row.activity.provider}"
        with (
            row.file.open("rb") as src,
            zf.open(f"{name}.{row.file_format}", "w") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
        tick(n + 1, total)
