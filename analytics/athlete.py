"""The athlete's settings: checked in one place for the page and the API, saved
with the loads they change recomputed in the same transaction."""

from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from . import cache, services
from .models import AthleteSettings, Units
from .zones import default_hr_zones

HR_RANGE = (30, 250)
FTP_RANGE = (30, 2000)
# 2:00 to 20:00 per km: from a world-class 1500 m to a brisk walk.
PACE_RANGE = (120, 1200)
FIELDS = (
    "resting_hr_bpm",
    "max_hr_bpm",
    "ftp_w",
    "threshold_pace_s_per_km",
    "hr_zones",
    "units",
)
# The settings a load is computed from (analytics.load.Physiology).
LOAD_FIELDS = ("resting_hr_bpm", "max_hr_bpm", "ftp_w")


class SettingsInvalid(Exception):
    """Values the settings cannot take; `errors` maps each field to what is wrong
    with it, in the active language: the end of a sentence ("must be above the
    resting heart rate.") that the form and the API put after the field's name."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(
            "; ".join(f"{field}: {message}" for field, message in errors.items())
        )


def _in_range(errors, field, value, bounds, unit):
    low, high = bounds
    if value is not None and not low <= value <= high:
        # Translators: ends a sentence that starts with the setting's name ("This",
        # "The pace"); the unit is "bpm", "W" or "seconds per km".
        message = gettext("must be between %(low)s and %(high)s %(unit)s.")
        errors[field] = message % {"low": low, "high": high, "unit": unit}


def check(values, estimated_max_hr=None):
    """Raise SettingsInvalid unless `values` (every field in FIELDS) hold together.

    Zones must end below the max HR: the one given, else `estimated_max_hr`."""
    errors = {}
    bpm = pgettext("unit", "bpm")
    _in_range(errors, "resting_hr_bpm", values["resting_hr_bpm"], HR_RANGE, bpm)
    _in_range(errors, "max_hr_bpm", values["max_hr_bpm"], HR_RANGE, bpm)
    _in_range(errors, "ftp_w", values["ftp_w"], FTP_RANGE, pgettext("unit", "W"))
    _in_range(
        errors,
        "threshold_pace_s_per_km",
        values["threshold_pace_s_per_km"],
        PACE_RANGE,
        gettext("seconds per km"),
    )
    resting, top = values["resting_hr_bpm"], values["max_hr_bpm"]
    both = resting is not None and top is not None
    if both and "max_hr_bpm" not in errors and top <= resting:
        errors["max_hr_bpm"] = gettext("must be above the resting heart rate.")
    zone_error = _zones_error(values["hr_zones"], resting, top or estimated_max_hr)
    if zone_error:
        errors["hr_zones"] = zone_error
    if values["units"] not in Units.values:
        message = gettext("must be one of %(choices)s.")
        errors["units"] = message % {"choices": ", ".join(Units.values)}
    if errors:
        raise SettingsInvalid(errors)


def _zones_error(zones, resting, top):
    if not zones:
        return ""  # the defaults, derived from max HR
    if len(zones) != 4 or not all(isinstance(z, int) for z in zones):
        return gettext("give four whole numbers (the tops of zones 1 to 4), or none.")
    if any(b <= a for a, b in pairwise(zones)):
        return gettext("each zone must end above the one before.")
    if resting is not None and zones[0] <= resting:
        return gettext("zone 1 must end above the resting heart rate.")
    if top is not None and zones[-1] >= top:
        return gettext("zone 4 must end below the max heart rate.")
    low, high = HR_RANGE
    if zones[0] < low or zones[-1] > high:
        message = gettext("zones must lie between %(low)s and %(high)s bpm.")
        return message % {"low": low, "high": high}
    return ""


def current(user_id):
    """{field: value} of the athlete's settings (defaults when none are saved)."""
    athlete = services.athlete_settings(user_id)
    return {field: getattr(athlete, field) for field in FIELDS}


def effective_zones(athlete):
    """Zone 1-4 tops in use: the athlete's own, or the defaults for the max HR
    loads use (set, observed, or the fallback)."""
    if athlete.hr_zones:
        return list(athlete.hr_zones)
    return default_hr_zones(services.physiology(athlete).max_hr)


def update_settings(user_id, **changes):
    """Apply `changes` (a subset of FIELDS); return the saved settings. Changes to
    resting HR, max HR or FTP recompute every load of the athlete."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    with transaction.atomic():
        athlete, _ = AthleteSettings.objects.select_for_update().get_or_create(
            user_id=user_id
        )
        values = {field: getattr(athlete, field) for field in FIELDS} | changes
        if values["hr_zones"] is None:
            values["hr_zones"] = []
        check(values, services.physiology(athlete).max_hr)
        reload = any(values[f] != getattr(athlete, f) for f in LOAD_FIELDS)
        for field, value in values.items():
            setattr(athlete, field, value)
        athlete.updated_at = timezone.now()
        athlete.save()
        if reload:
            services.recompute_user(user_id)
        cache.bump(user_id)
    return athlete
