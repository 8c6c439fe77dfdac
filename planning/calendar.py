"""The calendar's weeks and months as plain data: each day's planned workouts and
sessions, the plan set against what was done. Views pass it on; templates print it.

A month costs two queries whatever it holds: its workouts (with their sessions)
and its sessions (with the workout of another day that counts one, if any).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy

from sync.display import METRIC, format_distance, units_of
from sync.messages import format_duration, sport_label
from sync.models import Activity, Workout, WorkoutStatus
from trainlytics.dates import format_date

from . import matching, services
from .calendar_html import lines_html
from .periods import week_param

# A completed workout is "done" when the session reached this share of the plan.
DONE_SHARE = 0.8
# How a day of the training calendar marks a workout or a session.
MARKS = {
    "done": pgettext_lazy("calendar mark", "Done"),
    "partly": pgettext_lazy("calendar mark", "Partly done"),
    "missed": pgettext_lazy("calendar mark", "Missed"),
    "planned": pgettext_lazy("calendar mark", "Planned"),
    "unplanned": pgettext_lazy("calendar mark", "Unplanned"),
    "elsewhere": pgettext_lazy("calendar mark", "Counted on another day"),
}
WORKOUT_FIELDS = (
    "id",
    "title",
    "sport_type",
    "scheduled_for",
    "scheduled_time",
    "planned_duration_s",
    "planned_distance_m",
    "status",
    "completed_activity",
)
SESSION_FIELDS = (
    "id",
    "name",
    "sport_type",
    "start_time",
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
)


# -- what was planned and what was done ----------------------------------------------


def seconds_of(activity):
    return activity.moving_time_s or activity.elapsed_time_s


def day_label(day):
    """ "Mon 7 Dec" in the active language."""
    # Translators: a Django date format (see the "date" template filter): "D" is the
    # short weekday, "M" the short month, "N" the short month with a full stop where
    # one is due. French could be "D. j N" ("lun. 7 déc.").
    return format_date(day, pgettext("date format", "D j M"))


def dated_label(day):
    """ "Mon 7 Dec 2026" in the active language."""
    # Translators: a Django date format; French could be "D. j N Y".
    return format_date(day, pgettext("date format", "D j M Y"))


def long_day_label(day):
    """ "Monday 7 December" in the active language."""
    # Translators: a Django date format: "l" is the weekday, "F" the month.
    return format_date(day, pgettext("date format", "l j F"))


def hours_text(seconds):
    """5 h 20, 7 h, 45 min: the short form the totals use."""
    hours, minutes = divmod(round((seconds or 0) / 60), 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d}"
    return f"{hours} h" if hours else f"{minutes} min"


def amounts_text(seconds, metres, units=METRIC):
    """ "45:00 · 10.00 km": a duration and a distance (in `units`), either left out
    when missing."""
    return " · ".join(
        part
        for part in (format_duration(seconds), format_distance(metres, units))
        if part
    )


def reached_plan(workout, activity):
    """The session did at least DONE_SHARE of the planned time or distance."""
    pairs = [
        (workout.planned_duration_s, seconds_of(activity)),
        (workout.planned_distance_m, activity.distance_m),
    ]
    compared = [(plan, actual) for plan, actual in pairs if plan and actual is not None]
    # Nothing planned to compare with: having done it is all the plan asked.
    return not compared or any(actual >= DONE_SHARE * plan for plan, actual in compared)


def workout_mark(workout, today):
    if workout.status == WorkoutStatus.COMPLETED:
        activity = workout.completed_activity
        return (
            "done" if activity is None or reached_plan(workout, activity) else "partly"
        )
    if workout.status == WorkoutStatus.SKIPPED or workout.scheduled_for < today:
        # The scheduled pass skips an ended day a little later; the page says so now.
        return "missed"
    return "planned"


@dataclass
class Line:
    """One row of a day: a planned workout (and its session) or a lone session."""

    mark: str
    title: str
    url: str
    sport: str
    time: str = ""
    planned: str = ""
    actual: str = ""
    actual_url: str = ""
    note: str = ""

    @property
    def mark_label(self):
        return str(MARKS[self.mark])


def url_patterns():
    """Each link's address with "{}" for the id: reverse() once a page, not once a
    line (a month can hold hundreds)."""
    names = {"workout": "planning:workout", "activity": "sync:activity"}
    return {
        key: reverse(name, args=[0]).replace("/0/", "/{}/")
        for key, name in names.items()
    } | {"new": reverse("planning:workout-new") + "?date={}"}


def workout_line(workout, today, urls, units=METRIC):
    activity = workout.completed_activity
    return Line(
        mark=workout_mark(workout, today),
        title=workout.title,
        url=urls["workout"].format(workout.pk),
        sport=sport_label(workout.sport_type),
        time=workout.scheduled_time.strftime("%H:%M") if workout.scheduled_time else "",
        planned=amounts_text(
            workout.planned_duration_s, workout.planned_distance_m, units
        ),
        actual=amounts_text(seconds_of(activity), activity.distance_m, units)
        if activity
        else "",
        actual_url=urls["activity"].format(activity.pk) if activity else "",
    )


def session_line(activity, tz, urls, units=METRIC):
    """A session no workout of its day counts: unplanned, or done for another day's."""
    sport = sport_label(activity.sport_type)
    note = ""
    if activity.counted_title is not None:
        note = gettext("Counted for “%(title)s” on %(day)s.") % {
            "title": activity.counted_title,
            "day": day_label(activity.counted_day),
        }
    return Line(
        mark="elsewhere" if note else "unplanned",
        title=activity.name or sport,
        url=urls["activity"].format(activity.pk),
        sport=sport if activity.name else "",
        time=activity.start_time.astimezone(tz).strftime("%H:%M"),
        actual=amounts_text(seconds_of(activity), activity.distance_m, units),
        note=note,
    )


def sessions_between(user, first, last, tz):
    """The canonical activities (one per session) done from `first` to `last`, local
    days in `tz`, each with its `local_day` and, when a workout counts it, that
    workout's `counted_title` and `counted_day` (read in the same query)."""
    start, _ = matching.day_bounds(first, tz)
    _, end = matching.day_bounds(last, tz)
    counted = Workout.objects.filter(completed_activity=OuterRef("pk"))
    sessions = list(
        Activity.objects.filter(
            user=user, is_canonical=True, start_time__gte=start, start_time__lt=end
        )
        .only(*SESSION_FIELDS)
        .annotate(
            counted_title=Subquery(counted.values("title")[:1]),
            counted_day=Subquery(counted.values("scheduled_for")[:1]),
        )
        .order_by("start_time", "id")
    )
    for session in sessions:
        session.local_day = session.start_time.astimezone(tz).date()
    return sessions


# -- weeks -------------------------------------------------------------------------


@dataclass
class Day:
    day: date
    is_today: bool
    outside: bool  # a day of the previous or next month in a month grid
    new_url: str
    lines: list = field(default_factory=list)

    @property
    def lines_html(self):
        return lines_html(self.lines)

    @property
    def label(self):
        return day_label(self.day)

    @property
    def long_label(self):
        return long_day_label(self.day)


@dataclass
class Week:
    monday: date
    days: list
    totals: dict

    @property
    def param(self):
        return week_param(self.monday)


def week_totals(workouts, sessions, unplanned, units=METRIC):
    """Counts, time and distance (in `units`) planned for the week against what was
    done in it (every session, planned or not); "" where there is nothing to say."""
    done = [w for w in workouts if w.status == WorkoutStatus.COMPLETED]
    planned_s = sum(w.planned_duration_s or 0 for w in workouts)
    planned_m = sum(w.planned_distance_m or 0 for w in workouts)
    done_s = sum(seconds_of(s) or 0 for s in sessions)
    done_m = sum(s.distance_m or 0 for s in sessions)
    return {
        "planned": len(workouts),
        "done": len(done),
        "unplanned": unplanned,
        "sessions": len(sessions),
        "planned_time": hours_text(planned_s) if planned_s else "",
        "planned_distance": format_distance(planned_m, units) if planned_m else "",
        "done_time": hours_text(done_s) if done_s else "",
        "done_distance": format_distance(done_m, units) if done_m else "",
    }


def build_weeks(user, mondays, tz, today, month=None):
    """The weeks starting on `mondays`, every day with its lines, and week totals,
    distances in the athlete's units."""
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    workouts = list(
        services.workouts_between(user, first, last).only(
            *WORKOUT_FIELDS, *(f"completed_activity__{f}" for f in SESSION_FIELDS)
        )
    )
    sessions = sessions_between(user, first, last, tz)
    urls = url_patterns()
    units = units_of(user)
    linked = {w.completed_activity_id for w in workouts if w.completed_activity_id}
    lines = {}
    for workout in workouts:
        line = workout_line(workout, today, urls, units)
        lines.setdefault(workout.scheduled_for, []).append(line)
    for session in sessions:
        if session.pk not in linked:
            line = session_line(session, tz, urls, units)
            lines.setdefault(session.local_day, []).append(line)
    return [
        _week(monday, workouts, sessions, lines, today, month, urls["new"], units)
        for monday in mondays
    ]


def _week(monday, workouts, sessions, lines, today, month, new_url, units):
    days = [
        Day(
            day=day,
            is_today=day == today,
            outside=month is not None and day.month != month,
            new_url=new_url.format(day.isoformat()),
            lines=lines.get(day, []),
        )
        for day in (monday + timedelta(days=n) for n in range(7))
    ]
    first, last = days[0].day, days[-1].day
    return Week(
        monday=monday,
        days=days,
        totals=week_totals(
            [w for w in workouts if first <= w.scheduled_for <= last],
            [s for s in sessions if first <= s.local_day <= last],
            sum(1 for d in days for line in d.lines if line.mark == "unplanned"),
            units,
        ),
    )
