"""Training loads kept in step with the athlete's sessions and settings.

A load belongs to a session's canonical activity. Whatever changed (a sync page, a
regroup, a split, a delete, new settings), the loads of every canonical activity in
the time window concerned are computed again and written in bulk: the window's old
loads are deleted (a copy that is no longer canonical loses its load there) and the
new ones inserted, a handful of queries whatever the number of activities.
"""

from datetime import UTC, timedelta
from itertools import batched

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sync.models import Activity
from trainlytics.timezones import zone

from . import cache
from .load import (
    MAX_HR_DEFAULT,
    POWER_SPORTS,
    RESTING_HR_DEFAULT,
    Physiology,
    session_load,
)
from .models import ActivityStreams, AthleteSettings, StreamStatus, TrainingLoad
from .streams.codec import decode
from .writes import insert_loads

# The copies of one session start at most 14 h 03 min apart (sync.grouping's
# WINDOW), so every activity whose canonical status a change of `starts` can have
# changed starts within this much of one of them.
WINDOW = timedelta(hours=15)
# Max HR readings outside this range are sensor noise, not the athlete.
PLAUSIBLE_MAX_HR = (100, 230)
# Copies a load rewrite reads, writes and forgets at a time.
CHUNK = 2000
SESSION_FIELDS = (
    "id",
    "is_canonical",
    "training_load__id",
    "sport_type",
    "start_time",
    "utc_offset_s",
    "moving_time_s",
    "elapsed_time_s",
    "avg_hr_bpm",
    "group__filled",
)


def athlete_settings(user_id):
    """The athlete's settings row, or an unsaved one with every default."""
    # With the user: loads need their time zone (local_day), in the same query.
    found = AthleteSettings.objects.select_related("user").filter(user_id=user_id)
    return found.first() or AthleteSettings(user_id=user_id)


def physiology(athlete):
    """The Physiology loads are computed with; blanks become defaults (load.py)."""
    max_hr = athlete.max_hr_bpm or athlete.observed_max_hr_bpm or MAX_HR_DEFAULT
    return Physiology(
        resting_hr=athlete.resting_hr_bpm or RESTING_HR_DEFAULT,
        max_hr=max_hr,
        ftp_w=athlete.ftp_w,
        resting_estimated=athlete.resting_hr_bpm is None,
        max_estimated=athlete.max_hr_bpm is None,
    )


def observed_max_hr(user_id):
    """The highest plausible max HR of any of the athlete's activities, or None."""
    low, high = PLAUSIBLE_MAX_HR
    found = Activity.objects.filter(
        user_id=user_id, max_hr_bpm__gte=low, max_hr_bpm__lte=high
    ).aggregate(top=Max("max_hr_bpm"))["top"]
    return None if found is None else round(found)


def recompute_starts(user_id, starts):
    """Recompute the loads around these activity starts; return how many were
    written. Runs inside the caller's transaction (sync's page or batch)."""
    if not starts:
        return 0
    return _recompute(user_id, (min(starts) - WINDOW, max(starts) + WINDOW))


def recompute_user(user_id):
    """Recompute every load of the athlete; return how many were written."""
    return _recompute(user_id, None)


def _recompute(user_id, window):
    # No savepoint inside sync's transaction: nothing here is retried on its own.
    with transaction.atomic(savepoint=False):
        athlete = athlete_settings(user_id)
        if athlete.max_hr_bpm is None and _observe(athlete):
            window = None  # every load used the old estimate
        return _rewrite(athlete, window)


def _observe(athlete):
    """Store the athlete's observed max HR; True when it changed."""
    observed = observed_max_hr(athlete.user_id)
    if athlete.pk is not None and athlete.observed_max_hr_bpm == observed:
        return False
    athlete.observed_max_hr_bpm = observed
    if athlete.pk is None:
        athlete.save()
    else:
        AthleteSettings.objects.filter(pk=athlete.pk).update(
            observed_max_hr_bpm=observed
        )
    return True


def _rewrite(athlete, window):
    """Rewrite the loads of every copy in `window` (None: all), CHUNK copies at a
    time so a 100,000-activity backfill never holds them all in memory."""
    user_id, physio = athlete.user_id, physiology(athlete)
    copies = Activity.objects.filter(user_id=user_id)
    if window is not None:
        copies = copies.filter(start_time__gte=window[0], start_time__lte=window[1])
    rows = copies.order_by("start_time", "id").values(*SESSION_FIELDS)
    written = 0
    for chunk in batched(rows.iterator(chunk_size=CHUNK), CHUNK):
        written += _rewrite_chunk(athlete, physio, chunk)
    cache.bump(user_id)
    return written


def _rewrite_chunk(athlete, physio, rows):
    # Every copy, canonical or not, comes with its load if it has one: a copy no
    # longer canonical loses its load, and new copies (the usual page) delete nothing.
    had_load = [row["id"] for row in rows if row["training_load__id"] is not None]
    if had_load:
        TrainingLoad.objects.filter(activity_id__in=had_load).delete()
    sessions = [row for row in rows if row["is_canonical"]]
    channels = _power_channels([row["id"] for row in sessions]) if physio.ftp_w else {}
    loads = _loads(athlete, sessions, physio, channels)
    insert_loads(loads)
    return len(loads)


def _loads(athlete, rows, physio, channels):
    """Rows for writes.insert_loads: one per session that has a load."""
    user_id = athlete.user_id
    now = timezone.now()
    tz = None
    loads = []
    for row in rows:
        filled = row["group__filled"] or {}
        if row["avg_hr_bpm"] is None:
            row["avg_hr_bpm"] = filled.get("avg_hr_bpm")
        found = session_load(row, physio, channels.get(row["id"]))
        if found is None:
            continue
        if row["utc_offset_s"] is None and tz is None:
            tz = zone(_time_zone(athlete))
        day = local_day(row["start_time"], row["utc_offset_s"], tz)
        loads.append((row["id"], user_id, day, found[0], str(found[1]), now))
    return loads


def local_day(start, utc_offset_s, tz):
    """The day the session was done where it was done (the offset the provider
    reported, as the feed shows it), else in the athlete's time zone."""
    if utc_offset_s is not None:
        return (start.astimezone(UTC) + timedelta(seconds=utc_offset_s)).date()
    return start.astimezone(tz).date()


def _time_zone(athlete):
    if athlete.pk is not None:
        return athlete.user.time_zone  # read with the settings, unless just made
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(pk=athlete.user_id)
    return (found.values_list("time_zone").first() or ("UTC",))[0]


def _power_channels(activity_ids):
    """{activity id: decoded channels} of these sessions' ready rides with power.

    The channel list is read first, so streams without power are never decoded."""
    ready = ActivityStreams.objects.filter(
        activity_id__in=activity_ids,
        activity__sport_type__in=POWER_SPORTS,
        status=StreamStatus.READY,
    )
    with_power = [
        pk for pk, names in ready.values_list("pk", "channels") if "power_w" in names
    ]
    if not with_power:
        return {}
    blobs = ActivityStreams.objects.filter(pk__in=with_power).values_list(
        "activity_id", "data"
    )
    return {activity_id: decode(data) for activity_id, data in blobs if data}
