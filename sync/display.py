"""Distances, elevations, paces and speeds in the athlete's units (metric or
imperial): the one place that converts them, for every app's pages.

sync cannot import analytics, which owns the athlete's settings, so the setting is
read through a plug-in point: units_of(user) asks the lookup analytics registers at
start-up (analytics.apps), and says metric when none is registered. Stored values stay
SI (units in field names); only what a page prints or a form reads is converted.
"""

from decimal import Decimal

METRIC, IMPERIAL = "metric", "imperial"
METRES_PER_MILE = 1609.344
FEET_PER_METRE = 3.28084


def _imperial(units):
    return units == IMPERIAL


def distance_unit(units=METRIC):
    """ "km" or "mi": what a distance is counted in."""
    return "mi" if _imperial(units) else "km"


def metres_per_unit(units=METRIC):
    return METRES_PER_MILE if _imperial(units) else 1000


def to_metres(amount, units=METRIC):
    """An amount of km or mi (as typed: a Decimal or a str) in metres; in decimal
    arithmetic, so 12.35 km is 12350.0 m, not 12350.000000000002."""
    return float(Decimal(str(amount)) * Decimal(str(metres_per_unit(units))))


def from_metres(metres, units=METRIC):
    """Metres as km or mi (a float); None for a missing value."""
    return None if metres is None else metres / metres_per_unit(units)


def pace_from_s_per_km(seconds_per_km, units=METRIC):
    """Seconds per km as seconds per km or per mile, whole seconds."""
    return round(seconds_per_km * metres_per_unit(units) / 1000)


def pace_to_s_per_km(seconds_per_unit, units=METRIC):
    """Seconds per km or per mile (as typed) as whole seconds per km."""
    return round(seconds_per_unit * 1000 / metres_per_unit(units))


def format_distance(metres, units=METRIC):
    """ "12.35 km" or "7.67 mi"; "" for a missing value. Spelled out, not through
    from_metres: the feed calls it for every row."""
    if metres is None:
        return ""
    if _imperial(units):
        return f"{metres / METRES_PER_MILE:.2f} mi"
    return f"{metres / 1000:.2f} km"


def format_elevation(metres, units=METRIC):
    """ "120 m" or "394 ft"."""
    if metres is None:
        return ""
    if _imperial(units):
        return f"{metres * FEET_PER_METRE:.0f} ft"
    return f"{metres:.0f} m"


def format_pace_clock(seconds_per_km, units=METRIC):
    """ "5:30" per km or "8:51" per mile, without the unit (form fields)."""
    minutes, secs = divmod(pace_from_s_per_km(seconds_per_km, units), 60)
    return f"{minutes}:{secs:02d}"


def format_pace(seconds_per_km, units=METRIC):
    """ "5:30 /km" or "8:51 /mi"."""
    if not seconds_per_km:
        return ""
    return f"{format_pace_clock(seconds_per_km, units)} /{distance_unit(units)}"


def format_speed(metres_per_second, units=METRIC):
    """ "25.2 km/h" or "15.7 mph"."""
    if metres_per_second is None:
        return ""
    if _imperial(units):
        return f"{metres_per_second * 3600 / METRES_PER_MILE:.1f} mph"
    return f"{metres_per_second * 3.6:.1f} km/h"


# -- whose units: the plug-in point ---------------------------------------------------


def _metric(user_id):
    return METRIC


_lookup = {"units": _metric}


def register_units_lookup(lookup):
    """Read athletes' units with lookup(user_id) -> "metric" | "imperial" (called
    once, from analytics' AppConfig.ready())."""
    _lookup["units"] = lookup


def remember(user, units):
    """Note the athlete's units on the user object: a view that has read the
    settings anyway spares units_of its lookup."""
    user._units = units


def units_of(user):
    """The athlete's units, looked up once per request (kept on the user object,
    which lives as long as the request); metric for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return METRIC
    found = getattr(user, "_units", None)
    if found is None:
        found = user._units = _lookup["units"](user.pk)
    return found
