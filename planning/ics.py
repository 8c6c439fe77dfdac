"""Planned workouts as an iCalendar feed (RFC 5545), written by hand: the part of
the format a feed of events needs is small, and a runtime dependency for it is not
worth it (the tests read the result with the `icalendar` library).

A workout without a time is an all-day event on its day; one with a time starts
then in the athlete's zone, written in UTC so that no VTIMEZONE is needed (RFC 5545
§3.3.5, form #2), and lasts its planned duration. There is no METHOD, so DTSTAMP is
when the workout was last changed (§3.8.7.2) and the feed reads the same until then.
"""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from sync.display import METRIC
from sync.messages import sport_label
from sync.models import WorkoutStatus

from .calendar import amounts_text
from .structure_text import format as format_structure
from .structure_text import format_target

PRODID = "-//Trainlytics//Training calendar//EN"
# Feeds reach this far around today; calendar apps keep what they saw before.
DAYS_BEFORE, DAYS_AFTER = 90, 365
# A timed workout with no planned duration still needs a length to be seen.
DEFAULT_LENGTH = timedelta(hours=1)
STATUS = {
    WorkoutStatus.PLANNED: "CONFIRMED",
    WorkoutStatus.COMPLETED: "CONFIRMED",
    WorkoutStatus.SKIPPED: "CANCELLED",
}
SUMMARY_SUFFIX = {
    # Translators: after a workout's title in a calendar app.
    WorkoutStatus.COMPLETED: _(" (done)"),
    WorkoutStatus.SKIPPED: _(" (missed)"),
}
MAX_OCTETS = 75


def window(today):
    return today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER)


def calendar_text(workouts, tz, url_of, name=None, units=METRIC):
    """The whole feed: `url_of(workout)` gives each event's page address; distances
    and paces in the athlete's `units`. The words are in the active language (the
    calendar app's Accept-Language, else English); numbers in values are written as
    typed (structure_text), the dates and times in RFC 5545's forms."""
    name = name or gettext("Trainlytics training plan")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{tz.key}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for workout in workouts:
        lines.extend(event_lines(workout, tz, url_of(workout), units))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def event_lines(workout, tz, url, units=METRIC):
    suffix = str(SUMMARY_SUFFIX.get(workout.status, ""))
    return [
        "BEGIN:VEVENT",
        f"UID:workout-{workout.pk}@trainlytics",
        f"DTSTAMP:{utc_text(workout.updated_at)}",
        f"CREATED:{utc_text(workout.created_at)}",
        f"LAST-MODIFIED:{utc_text(workout.updated_at)}",
        *when_lines(workout, tz),
        f"SUMMARY:{escape(workout.title + suffix)}",
        f"DESCRIPTION:{escape(description(workout, units))}",
        f"CATEGORIES:{escape(sport_label(workout.sport_type))}",
        f"STATUS:{STATUS.get(workout.status, 'CONFIRMED')}",
        "TRANSP:TRANSPARENT",
        f"URL:{url}",
        "END:VEVENT",
    ]


def when_lines(workout, tz):
    day = workout.scheduled_for
    if workout.scheduled_time is None:
        following = day + timedelta(days=1)
        return [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{following:%Y%m%d}",
        ]
    start = datetime.combine(day, workout.scheduled_time, tzinfo=tz)
    length = (
        timedelta(seconds=workout.planned_duration_s)
        if workout.planned_duration_s
        else DEFAULT_LENGTH
    )
    return [f"DTSTART:{utc_text(start)}", f"DTEND:{utc_text(start + length)}"]


def description(workout, units=METRIC):
    parts = [
        # Translators: a sport and a workout's status, as in "Run: planned".
        pgettext("sport: status", "%(sport)s: %(status)s")
        % {
            "sport": sport_label(workout.sport_type),
            "status": workout.get_status_display().lower(),
        }
    ]
    planned = amounts_text(
        workout.planned_duration_s, workout.planned_distance_m, units
    )
    if planned:
        parts.append(gettext("Planned: %(amounts)s") % {"amounts": planned})
    if workout.target:
        target = format_target(workout.target, units)
        parts.append(gettext("Target: %(target)s") % {"target": target})
    if workout.structure:
        parts.append("\n" + format_structure(workout.structure, units))
    if workout.description:
        parts.append("\n" + workout.description)
    return "\n".join(parts)


def utc_text(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text):
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def fold(line):
    """Lines longer than 75 octets continue on lines starting with a space (§3.1),
    cut between characters, never inside one's UTF-8 bytes."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > MAX_OCTETS:
            pieces.append(current)
            # The continuation's leading space counts towards its 75 octets.
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)
