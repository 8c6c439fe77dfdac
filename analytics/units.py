"""Distances, elevations, paces and speeds in the athlete's units (metric or
imperial), as plain strings: the template filters (templatetags/units.py) and
sync's Python-rendered pages call these with the units the request carries."""

from .models import Units

METRES_PER_MILE = 1609.344
FEET_PER_METRE = 3.28084


def _imperial(units):
    return units == Units.IMPERIAL


def format_distance(metres, units=Units.METRIC):
    """ "12.35 km" or "7.67 mi"; "" for a missing value."""
    if metres is None:
        return ""
    if _imperial(units):
        return f"{metres / METRES_PER_MILE:.2f} mi"
    return f"{metres / 1000:.2f} km"


def format_elevation(metres, units=Units.METRIC):
    """ "120 m" or "394 ft"."""
    if metres is None:
        return ""
    if _imperial(units):
        return f"{metres * FEET_PER_METRE:.0f} ft"
    return f"{metres:.0f} m"


def format_pace(seconds_per_km, units=Units.METRIC):
    """ "5:30 /km" or "8:51 /mi"."""
    if not seconds_per_km:
        return ""
    seconds = seconds_per_km
    unit = "/km"
    if _imperial(units):
        seconds, unit = seconds_per_km * METRES_PER_MILE / 1000, "/mi"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d} {unit}"


def format_speed(metres_per_second, units=Units.METRIC):
    """ "25.2 km/h" or "15.7 mph"."""
    if metres_per_second is None:
        return ""
    if _imperial(units):
        return f"{metres_per_second * 3600 / METRES_PER_MILE:.1f} mph"
    return f"{metres_per_second * 3.6:.1f} km/h"


def remember(user, units):
    """Note the athlete's units on the user object (a view that has read the
    settings anyway saves units_of its query)."""
    user._analytics_units = units


def units_of(user):
    """The athlete's units, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return Units.METRIC
    cached = getattr(user, "_analytics_units", None)
    if cached is None:
        from .models import AthleteSettings

        found = AthleteSettings.objects.filter(user_id=user.pk).values_list("units")
        cached = (found.first() or (Units.METRIC,))[0]
        user._analytics_units = cached
    return cached
