"""Planned workouts: the only code that writes them (views and API call these).

Every change re-matches the days it touches and tells the deliveries, inside one
transaction, so a workout is never saved half-matched or half-sent.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from providers.sports import SportType
from sync.models import Activity, Workout, WorkoutStatus
from trainlytics.timezones import zone

from . import delivery, matching
from .structure import StructureError, totals, validate, validate_target

EDITABLE = (
    "title",
    "sport_type",
    "scheduled_for",
    "scheduled_time",
    "planned_duration_s",
    "planned_distance_m",
    "description",
    "target",
    "structure",
)
MAX_DURATION_S = 7 * 24 * 3600
MAX_DISTANCE_M = 1_000_000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
# What _positive says about each planned amount.
AMOUNT_ERRORS = {
    "duration": (
        _("The planned duration must be a number."),
        _("The planned duration must be more than zero."),
        _("The planned duration is too long for one workout."),
    ),
    "distance": (
        _("The planned distance must be a number."),
        _("The planned distance must be more than zero."),
        _("The planned distance is too long for one workout."),
    ),
}


class WorkoutInvalid(Exception):
    """The values cannot be saved; `errors` maps each field to a message (in the
    active language)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean(values):
    """Checked copies of the EDITABLE values given (unknown names are an error)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        message = gettext("This field cannot be set.")
        raise WorkoutInvalid(dict.fromkeys(unknown, message))
    cleaned, errors = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = CHECKS[name](value)
        except (StructureError, ValueError, TypeError) as exc:
            errors[name] = str(exc)
    if errors:
        raise WorkoutInvalid(errors)
    return cleaned


def _title(value):
    value = (value or "").strip()
    if not value:
        raise ValueError(gettext("Give the workout a title."))
    if len(value) > 200:
        raise ValueError(gettext("A title has at most 200 characters."))
    return value


def _sport(value):
    if value not in SportType.values:
        message = gettext("%(value)s is not a sport we know.")
        raise ValueError(message % {"value": repr(value)})
    return value


def _day(value):
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(gettext("Give the date as YYYY-MM-DD."))
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(gettext("The date must be between 2000 and 2100."))
    return value


def _time(value):
    if value is not None and not isinstance(value, time):
        raise ValueError(gettext("Give the time as HH:MM."))
    return value


def _positive(limit, what):
    not_a_number, not_positive, too_long = AMOUNT_ERRORS[what]

    def check(value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(str(not_a_number))
        if value != value or value <= 0:
            raise ValueError(str(not_positive))
        if value > limit:
            raise ValueError(str(too_long))
        return value

    return check


def _description(value):
    value = value or ""
    if len(value) > 10_000:
        raise ValueError(gettext("A description has at most 10,000 characters."))
    return value


def _target(value):
    return validate_target(value) if value else {}


CHECKS = {
    "title": _title,
    "sport_type": _sport,
    "scheduled_for": _day,
    "scheduled_time": _time,
    "planned_duration_s": lambda v: (
        _positive(MAX_DURATION_S, "duration")(v) and round(v)
    ),
    "planned_distance_m": _positive(MAX_DISTANCE_M, "distance"),
    "description": _description,
    "target": _target,
    "structure": validate,
}


def _fill_from_structure(workout):
    # A structured session whose sums were left blank plans what its steps add up to.
    seconds, metres = totals(workout.structure or {})
    if workout.planned_duration_s is None and seconds:
        workout.planned_duration_s = seconds
    if workout.planned_distance_m is None and metres:
        workout.planned_distance_m = metres


def _check_complete(workout):
    missing = {}
    if not workout.title:
        missing["title"] = gettext("Give the workout a title.")
    if workout.scheduled_for is None:
        missing["scheduled_for"] = gettext("Give the workout a date.")
    if missing:
        raise WorkoutInvalid(missing)


def _rematch(user_id, *days):
    tz = zone(matching.time_zone_of(user_id))
    matching.rematch_days(user_id, {d for d in days if d is not None}, tz)


def create_workout(user, **values):
    values = {"sport_type": SportType.RUN, **values}
    workout = Workout(user=user, **clean(values))
    _check_complete(workout)
    _fill_from_structure(workout)
    with transaction.atomic():
        workout.save()
        _rematch(user.pk, workout.scheduled_for)
        delivery.workout_saved(workout)
    workout.refresh_from_db()
    return workout


def update_workout(workout, **values):
    """Change some fields; a new date or plan lets matching decide afresh."""
    cleaned = clean(values)
    before = workout.scheduled_for
    for name, value in cleaned.items():
        setattr(workout, name, value)
    _check_complete(workout)
    if "structure" in cleaned and not {
        "planned_duration_s",
        "planned_distance_m",
    } & set(cleaned):
        workout.planned_duration_s = workout.planned_distance_m = None
    _fill_from_structure(workout)
    if workout.scheduled_for != before:
        # A hand-made link was about the old day.
        _set_free(workout)
    workout.updated_at = timezone.now()
    with transaction.atomic():
        workout.save()
        _rematch(workout.user_id, before, workout.scheduled_for)
        delivery.workout_saved(workout)
    workout.refresh_from_db()
    return workout


def _set_free(workout):
    workout.match_manual = False
    workout.completed_activity = None
    workout.status = WorkoutStatus.PLANNED


def move_workout(workout, day):
    return update_workout(workout, scheduled_for=day)


def duplicate_workout(workout, day=None):
    """A copy of the plan (never its result) on `day`, the same day by default."""
    values = {name: getattr(workout, name) for name in EDITABLE}
    values["scheduled_for"] = day or workout.scheduled_for
    return create_workout(workout.user, **values)


def delete_workout(workout):
    with transaction.atomic():
        delivery.workout_deleted(workout)
        day, user_id = workout.scheduled_for, workout.user_id
        workout.delete()
        # The session it had may now do another workout that day.
        _rematch(user_id, day)


def session_of(activity):
    """The canonical copy standing for `activity`'s session."""
    if activity.is_canonical or activity.group_id is None:
        return activity
    return (
        Activity.objects.filter(group_id=activity.group_id, is_canonical=True).first()
        or activity
    )


def link_activity(workout, activity):
    """The athlete says `activity` is what they did for `workout`; kept for good."""
    if activity.user_id != workout.user_id:
        raise WorkoutInvalid({"activity_id": gettext("No such activity.")})
    session = session_of(activity)
    with transaction.atomic():
        others = list(
            Workout.objects.select_for_update()
            .filter(completed_activity=session)
            .exclude(pk=workout.pk)
        )
        for other in others:
            _set_free(other)
            other.save(update_fields=["match_manual", "completed_activity", "status"])
        workout.completed_activity = session
        workout.status = WorkoutStatus.COMPLETED
        workout.match_manual = True
        workout.updated_at = timezone.now()
        workout.save()
        _rematch(workout.user_id, *{o.scheduled_for for o in others})
    return workout


def unlink_activity(workout):
    """The athlete says `workout` was not done by its session; kept for good."""
    tz = zone(matching.time_zone_of(workout.user_id))
    ended = workout.scheduled_for < matching.today(tz)
    with transaction.atomic():
        workout.completed_activity = None
        workout.status = WorkoutStatus.SKIPPED if ended else WorkoutStatus.PLANNED
        workout.match_manual = True
        workout.updated_at = timezone.now()
        workout.save()
        # The session it had is free for another workout of the day.
        matching.rematch_days(workout.user_id, {workout.scheduled_for}, tz)
    return workout


def reset_match(workout):
    """Give the workout back to automatic matching."""
    with transaction.atomic():
        workout.match_manual = False
        workout.save(update_fields=["match_manual"])
        _rematch(workout.user_id, workout.scheduled_for)
    workout.refresh_from_db()
    return workout


def workouts_between(user, first, last):
    return Workout.objects.filter(
        user=user, scheduled_for__gte=first, scheduled_for__lte=last
    ).select_related("completed_activity")


def week_of(day):
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def week_progress(user, now=None):
    """This week's plan against what was done: counts and planned/done seconds."""
    tz = zone(user.time_zone)
    monday, sunday = week_of(matching.today(tz, now))
    workouts = list(workouts_between(user, monday, sunday))
    done = [w for w in workouts if w.status == WorkoutStatus.COMPLETED]
    done_s = sum(
        (w.completed_activity.moving_time_s or w.completed_activity.elapsed_time_s or 0)
        for w in done
        if w.completed_activity
    )
    return {
        "planned": len(workouts),
        "done": len(done),
        "planned_s": sum(w.planned_duration_s or 0 for w in workouts),
        "done_s": done_s,
        "monday": monday,
    }
