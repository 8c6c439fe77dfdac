"""What the athlete reads: failure explanations and human units for activities."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, pgettext

from providers.models import Provider
from providers.sports import SportType
from trainlytics.dates import format_date
from trainlytics.labels import label

from .display import (
    METRIC,
    format_distance,
    format_elevation,
    format_number,
    number_style,
)
from .models import SyncStatus

# A plain dict: get_FOO_display() rebuilds the choices mapping on every call. Provider
# names are brands, the same in every language.
PROVIDER_LABELS = dict(Provider.choices)


def sport_label(sport_type, language=None):
    """The sport's name in the active language (cached per language)."""
    return label(SportType, sport_type, language)


def start_text(moment, language=None):
    """ "Mon 7 Dec 2026, 14:05" in the active language (`language`: the active one,
    when the caller has it already)."""
    language = language or get_language()
    return format_date(moment, _start_format(language), language)


@lru_cache(maxsize=32)
def _start_format(language):
    """The format start_text uses; called with the active language, its key."""
    # Translators: a Django date format (see the "date" template filter): "D" is the
    # short weekday, "M" the short month, "N" the short month with a full stop where
    # one is due ("déc." but "mai"). French could be "D. j N Y, H:i".
    return pgettext("date format", "D j M Y, H:i")


def _retry_time(run):
    when = run.next_attempt_at
    if when is None and run.error_details.get("retry_at"):
        try:
            when = datetime.fromisoformat(run.error_details["retry_at"])
        except (TypeError, ValueError):
            when = None
    if when is None:
        return gettext("a later time")
    # Translators: a Django date format (see the "date" template filter).
    return formats.date_format(
        timezone.localtime(when), pgettext("date format", "j M Y, H:i")
    )


def failure_message(run, provider_name):
    """One sentence saying what went wrong with `run` and what to do; "" if nothing.

    Keyed on error_details["kind"], which providers.errors and the sync engine record.
    """
    if run is None or run.status in (
        SyncStatus.SUCCESS,
        SyncStatus.PENDING,
        SyncStatus.RUNNING,
    ):
        return ""
    kind = run.error_details.get("kind", "")
    if run.status == SyncStatus.RATE_LIMITED:
        kind = "rate_limited"
    name = {"provider": provider_name}
    if kind == "reauth_required":
        return (
            gettext("Reconnect %(provider)s: it no longer accepts our access.") % name
        )
    if kind == "rate_limited":
        return gettext(
            "Waiting for the provider's rate limit; retries automatically at %(when)s."
        ) % {"when": _retry_time(run)}
    if kind == "transient":
        return gettext("Temporary provider problem; retrying.")
    if kind == "provider":
        said = run.error_details.get("provider_message") or run.error_message
        if not said:
            return gettext("%(provider)s failed.") % name
        # Translators: what the provider answered, in its own words (often English).
        return gettext("%(provider)s said: %(said)s") % {**name, "said": said}
    if run.status == SyncStatus.PARTIAL:
        return gettext("Some activities could not be read and were skipped.")
    return gettext("Something went wrong on our side; we've been notified.")


# -- units -----------------------------------------------------------------------------


def format_duration(seconds):
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_heart_rate(bpm, style=None):
    return "" if bpm is None else format_number(bpm, 0, "bpm", style)


def local_start(activity):
    """The start in the athlete's local time where the activity was recorded.

    Providers report the UTC offset of the place; without one we fall back to the
    site's time zone.
    """
    if activity.utc_offset_s is None:
        return timezone.localtime(activity.start_time)
    offset = dt_timezone(timedelta(seconds=activity.utc_offset_s))
    return activity.start_time.astimezone(offset)


def activity_display(activity, units=METRIC):
    """Human strings for one feed row or detail page, ready to print as they are;
    distances in `units` (sync.display). The feed calls it for every row, so the
    language is looked up once here."""
    start = local_start(activity)
    language, style = get_language(), number_style()
    return {
        "provider": PROVIDER_LABELS.get(activity.provider, activity.provider),
        "sport": sport_label(activity.sport_type, language),
        "name": activity.name or gettext("Untitled"),
        "start": start,
        "start_iso": start.isoformat(),
        "start_text": start_text(start, language),
        "duration": format_duration(activity.moving_time_s or activity.elapsed_time_s),
        "distance": format_distance(activity.distance_m, units, style),
        "elevation": format_elevation(activity.elevation_gain_m, units, style),
        "heart_rate": format_heart_rate(activity.avg_hr_bpm, style),
    }


def totals_display(totals, units=METRIC):
    """The dashboard totals with their distance (in `units`) and moving time made
    readable."""
    return {
        period: {
            **values,
            "distance": format_distance(values["distance_m"], units),
            "moving": format_duration(values["moving_time_s"]),
        }
        for period, values in totals.items()
    }
