"""What a workout's page shows: the plan in words, its steps, the session that did it,
the day's sessions it could be linked to, and the devices it can be sent to."""

from django.utils.translation import gettext, pgettext_lazy

from sync.display import (
    IMPERIAL,
    METRIC,
    format_distance,
    units_of,
)
from sync.messages import sport_label

from . import delivery, matching
from .calendar import MARKS, amounts_text, seconds_of, sessions_between, workout_mark
from .periods import week_url
from .structure_text import format_metres, format_seconds, format_target

KIND_LABELS = {
    "warmup": pgettext_lazy("workout step", "Warm-up"),
    "interval": pgettext_lazy("workout step", "Interval"),
    "recovery": pgettext_lazy("workout step", "Recovery"),
    "rest": pgettext_lazy("workout step", "Rest"),
    "cooldown": pgettext_lazy("workout step", "Cool-down"),
}


def target_text(target, units=METRIC):
    if not target:
        return ""
    if target["type"] == "hr_zone":
        return gettext("heart-rate zone %(zone)s (Z%(zone)s)") % {
            "zone": target["zone"]
        }
    if target["type"] == "pace":
        # Translators: the pace range, as "4:30-4:45/km".
        return gettext("pace %(range)s") % {"range": format_target(target, units)}
    # Translators: the power range, as "200-250W".
    return gettext("power %(range)s") % {"range": format_target(target)}


def amount_text(step, units=METRIC):
    if "duration_s" in step:
        return format_seconds(step["duration_s"])
    if units == IMPERIAL:
        return format_distance(step["distance_m"], units)
    return format_metres(step["distance_m"])  # 400m, 5km: as the athlete types them


def step_text(step, units=METRIC):
    text = f"{KIND_LABELS[step['kind']]} {amount_text(step, units)}"
    if step.get("target"):
        # Translators: a workout step and its target, as "Interval 3min at pace
        # 4:30-4:45/km".
        return gettext("%(step)s at %(target)s") % {
            "step": text,
            "target": target_text(step["target"], units),
        }
    return text


def steps_display(structure, units=METRIC):
    """Each top-level step as a sentence; a repeat as its count over its steps."""
    rows = []
    for step in (structure or {}).get("steps", ()):
        if step["kind"] == "repeat":
            inner = [step_text(s, units) for s in step["steps"]]
            rows.append({"count": step["count"], "steps": inner})
        else:
            rows.append({"text": step_text(step, units)})
    return rows


def session_text(activity, tz, units=METRIC):
    sport = sport_label(activity.sport_type)
    parts = [
        activity.start_time.astimezone(tz).strftime("%H:%M"),
        activity.name,
        sport,
        amounts_text(seconds_of(activity), activity.distance_m, units),
    ]
    return " · ".join(part for part in parts if part)


def detail_context(workout, user):
    tz = user.tzinfo
    today = matching.today(tz)
    day = workout.scheduled_for
    activity = workout.completed_activity
    mark = workout_mark(workout, today)
    units = units_of(user)
    return {
        "workout": workout,
        "calendar_url": week_url(day),
        "sport": sport_label(workout.sport_type),
        "mark": mark,
        "mark_label": MARKS[mark],
        "planned": amounts_text(
            workout.planned_duration_s, workout.planned_distance_m, units
        ),
        "target": target_text(workout.target, units),
        "steps": steps_display(workout.structure, units),
        "activity": activity,
        "activity_text": session_text(activity, tz, units) if activity else "",
        "candidates": [
            (session, session_text(session, tz, units))
            for session in sessions_between(user, day, day, tz)
            if activity is None or session.pk != activity.pk
        ],
        "senders": delivery.senders(user),
        "deliveries": list(workout.deliveries.order_by("provider")),
    }
