"""Planned workouts matched to the sessions that were done.

A day is matched as a whole: every workout of that day the athlete has not decided
by hand is set free, then each is given at most one session of the same sport family
done that day in the athlete's time zone, nearest first to its planned duration and
distance. A session is one canonical activity (the copies of a duplicate group count
once). Unmatched workouts are `planned` while their day lasts and `skipped` after it.

Everything here runs inside the transaction that changed the activities, so the
match commits with them; grouping already locks the athlete per page on PostgreSQL,
which serialises two syncs of one athlete here too.
"""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models.functions import TruncDate
from django.utils import timezone

from providers.sports import SPORT_FAMILIES
from sync.cache import bump_data_version
from sync.models import Activity, Workout, WorkoutStatus
from trainlytics.timezones import zone

FAMILY_OF = {
    sport: family for family, sports in SPORT_FAMILIES.items() for sport in sports
}
WORKOUT_FIELDS = (
    "id",
    "user_id",
    "sport_type",
    "scheduled_for",
    "scheduled_time",
    "planned_duration_s",
    "planned_distance_m",
    "status",
    "completed_activity_id",
    "match_manual",
    "updated_at",
)
ORDER = ("scheduled_for", "scheduled_time", "id")
# Workouts one UPDATE matches (two parameters each).
WRITE_BATCH = 500
SESSION_FIELDS = (
    "id",
    "sport_type",
    "start_time",
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
)


def family(sport):
    return FAMILY_OF.get(sport, sport)


def today(tz, now=None):
    return (now or timezone.now()).astimezone(tz).date()


def day_bounds(day, tz):
    """The UTC instants where `day` starts and the next one starts, in `tz`."""
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return start, end


def days_of(starts, tz):
    return {start.astimezone(tz).date() for start in starts}


def rematch_starts(user_id, starts):
    """Re-match the athlete's days on which these activities started."""
    if not starts:
        return 0
    # Runs for every page a sync writes. No zone is more than 14 h from UTC, so one
    # query over the UTC days around the page, joined to the athlete's zone, reads
    # the workouts there are to match (usually none) before anything else.
    first, last = min(starts).date(), max(starts).date()
    rows = list(
        Workout.objects.filter(
            user_id=user_id,
            scheduled_for__gte=first - timedelta(days=1),
            scheduled_for__lte=last + timedelta(days=1),
        )
        .select_related("user")
        .only(*WORKOUT_FIELDS, "user__time_zone")
        .order_by(*ORDER)
    )
    if not rows:
        return 0
    tz = zone(rows[0].user.time_zone)
    days = days_of(starts, tz)
    return _match(user_id, [w for w in rows if w.scheduled_for in days], days, tz)


def rematch_user(user_id):
    """Re-match every day of the athlete that has a workout not decided by hand."""
    days = set(
        Workout.objects.filter(user_id=user_id, match_manual=False)
        .values_list("scheduled_for", flat=True)
        .distinct()
    )
    return rematch_days(user_id, days, zone(time_zone_of(user_id))) if days else 0


def rematch_days(user_id, days, tz):
    """Match every workout of `days`; return how many workouts changed."""
    if not days:
        return 0
    workouts = list(
        Workout.objects.filter(user_id=user_id, scheduled_for__in=days)
        .only(*WORKOUT_FIELDS)
        .order_by(*ORDER)
    )
    return _match(user_id, workouts, days, tz)


def _match(user_id, workouts, days, tz):
    if not workouts:
        return 0
    days = {w.scheduled_for for w in workouts} & set(days)
    taken = {w.completed_activity_id for w in workouts if w.match_manual}
    free = [w for w in workouts if not w.match_manual]
    sessions = [s for s in _sessions(user_id, days, tz) if s["id"] not in taken]
    return _save(free, assign(free, sessions, tz), tz)


def time_zone_of(user_id):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list("time_zone", flat=True)
        .first()
        or "UTC"
    )


def _sessions(user_id, days, tz):
    # A session already counted for a workout on another day (its start moved, or a
    # hand-made link) is not counted twice.
    elsewhere = (
        Workout.objects.filter(user_id=user_id, completed_activity__isnull=False)
        .exclude(scheduled_for__in=days)
        .values("completed_activity_id")
    )
    first, _ = day_bounds(min(days), tz)
    _, last = day_bounds(max(days), tz)
    # The day is taken in the database, so a backfill's few hundred planned days
    # read only their own sessions out of thousands.
    return list(
        Activity.objects.filter(
            user_id=user_id,
            is_canonical=True,
            start_time__gte=first,
            start_time__lt=last,
        )
        .annotate(day=TruncDate("start_time", tzinfo=tz))
        .filter(day__in=days)
        .exclude(pk__in=elsewhere)
        .order_by("start_time", "id")
        .values(*SESSION_FIELDS)
    )


def cost(workout, session):
    """How far a session is from the plan (0 = exactly as planned)."""
    terms = []
    seconds = session["moving_time_s"] or session["elapsed_time_s"]
    if workout.planned_duration_s and seconds:
        terms.append(
            abs(seconds - workout.planned_duration_s) / workout.planned_duration_s
        )
    if workout.planned_distance_m and session["distance_m"]:
        terms.append(
            abs(session["distance_m"] - workout.planned_distance_m)
            / workout.planned_distance_m
        )
    return sum(terms) / len(terms) if terms else 1.0


def _clock_gap(workout, session, tz):
    if workout.scheduled_time is None:
        return 0
    local = session["start_time"].astimezone(tz)
    planned = datetime.combine(local.date(), workout.scheduled_time, tzinfo=tz)
    return abs((local - planned).total_seconds())


def assign(workouts, sessions, tz):
    """{workout pk: session} — per day, the nearest pairs first, each used once."""
    by_day = {}
    for session in sessions:
        by_day.setdefault(session["start_time"].astimezone(tz).date(), []).append(
            session
        )
    pairs = []
    for w_index, workout in enumerate(workouts):
        kind = family(workout.sport_type)
        for s_index, session in enumerate(by_day.get(workout.scheduled_for, ())):
            if family(session["sport_type"]) == kind:
                key = (
                    cost(workout, session),
                    _clock_gap(workout, session, tz),
                    w_index,
                    s_index,
                )
                pairs.append((key, workout, session))
    pairs.sort(key=lambda item: item[0])
    chosen, used = {}, set()
    for _, workout, session in pairs:
        if workout.pk not in chosen and session["id"] not in used:
            chosen[workout.pk] = session
            used.add(session["id"])
    return chosen


def _save(workouts, chosen, tz):
    now = timezone.now()
    current = today(tz, now)
    changed = []
    for workout in workouts:
        session = chosen.get(workout.pk)
        if session is not None:
            status, activity_id = WorkoutStatus.COMPLETED, session["id"]
        else:
            activity_id = None
            ended = workout.scheduled_for < current
            status = WorkoutStatus.SKIPPED if ended else WorkoutStatus.PLANNED
        if (workout.status, workout.completed_activity_id) != (status, activity_id):
            workout.status, workout.completed_activity_id = status, activity_id
            workout.updated_at = now
            changed.append(workout)
    _write(changed, now)
    if changed:
        # bulk_update sends no post_save: the cached week line (sync.cache) is stale.
        bump_data_version(changed[0].user_id)
    return len(changed)


def _write(changed, now):
    """Store the new statuses and matches: one UPDATE per status, and one with a
    CASE for the matched sessions. (bulk_update builds its CASEs through the ORM,
    which took most of a backfill's matching time for a few hundred workouts.)"""
    by_status = {}
    for workout in changed:
        if workout.completed_activity_id is None:
            by_status.setdefault(workout.status, []).append(workout.pk)
    for status, pks in by_status.items():
        Workout.objects.filter(pk__in=pks).update(
            status=status, completed_activity=None, updated_at=now
        )
    matched = [w for w in changed if w.completed_activity_id is not None]
    for first in range(0, len(matched), WRITE_BATCH):
        _write_matched(matched[first : first + WRITE_BATCH], now)


def _write_matched(workouts, now):
    cases = " ".join(["WHEN %s THEN %s"] * len(workouts))
    marks = ", ".join(["%s"] * len(workouts))
    params = [WorkoutStatus.COMPLETED, now]
    for workout in workouts:
        params += [workout.pk, workout.completed_activity_id]
    params += [workout.pk for workout in workouts]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Workout._meta.db_table} SET status = %s, updated_at = %s, "  # noqa: S608 - no data in the text
            f"completed_activity_id = CASE id {cases} END WHERE id IN ({marks})",
            params,
        )


def close_ended_days(now=None):
    """Planned workouts whose day is over in their athlete's zone become skipped."""
    now = now or timezone.now()
    # No zone is more than 14 h ahead of UTC: nothing dated after UTC's tomorrow ended.
    horizon = now.date() + timedelta(days=1)
    rows = Workout.objects.filter(
        status=WorkoutStatus.PLANNED, scheduled_for__lt=horizon
    ).values_list("pk", "scheduled_for", "user__time_zone")
    ended = [pk for pk, day, name in rows if day < today(zone(name), now)]
    if not ended:
        return 0
    return Workout.objects.filter(pk__in=ended, status=WorkoutStatus.PLANNED).update(
        status=WorkoutStatus.SKIPPED, updated_at=now
    )
