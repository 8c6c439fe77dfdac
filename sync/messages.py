"""What the athlete reads: failure explanations and human units for activities."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.utils import formats, timezone

from providers.models import Provider
from providers.sports import SportType

from .display import METRIC, format_distance, format_elevation
from .models import SyncStatus

# Plain dicts: get_FOO_display() rebuilds the choices mapping on every call.
PROVIDER_LABELS = dict(Provider.choices)
SPORT_LABELS = dict(SportType.choices)


def _retry_time(run):
    when = run.next_attempt_at
    if when is None and run.error_details.get("retry_at"):
        try:
            when = datetime.fromisoformat(run.error_details["retry_at"])
        except (TypeError, ValueError):
            when = None
    if when is None:
        return "a later time"
    return formats.date_format(timezone.localtime(when), "j M Y, H:i")


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
    if kind == "reauth_required":
        return f"Reconnect {provider_name}: it no longer accepts our access."
    if kind == "rate_limited":
        return (
            "Waiting for the provider's rate limit; retries automatically at "
            f"{_retry_time(run)}."
        )
    if kind == "transient":
        return "Temporary provider problem; retrying."
    if kind == "provider":
        said = run.error_details.get("provider_message") or run.error_message
        return f"{provider_name} said: {said}" if said else f"{provider_name} failed."
    if run.status == SyncStatus.PARTIAL:
        return "Some activities could not be read and were skipped."
    return "Something went wrong on our side; we've been notified."


# -- units -----------------------------------------------------------------------------


def format_duration(seconds):
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_heart_rate(bpm):
    return "" if bpm is None else f"{bpm:.0f} bpm"


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
    distances in `units` (sync.display)."""
    start = local_start(activity)
    return {
        "provider": PROVIDER_LABELS.get(activity.provider, activity.provider),
        "sport": SPORT_LABELS.get(activity.sport_type, activity.sport_type),
        "name": activity.name or "Untitled",
        "start": start,
        "start_iso": start.isoformat(),
        "start_text": start.strftime("%a %-d %b %Y, %H:%M"),
        "duration": format_duration(activity.moving_time_s or activity.elapsed_time_s),
        "distance": format_distance(activity.distance_m, units),
        "elevation": format_elevation(activity.elevation_gain_m, units),
        "heart_rate": format_heart_rate(activity.avg_hr_bpm),
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
