"""Distances, elevations, paces and speeds in the athlete's units (metric or
imperial): the one place that converts them, for every app's pages.

sync cannot import analytics, which owns the athlete's settings, so the setting is
read through a plug-in point: units_of(user) asks the lookup analytics registers at
start-up (analytics.apps), and says metric when none is registered. Stored values stay
SI (units in field names); only what a page prints or a form reads is converted.

What is printed follows the active language: "1,234.5 km" in English, "1 234,5 km"
in French (Django's separators, a no-break space for thousands). Numbers that are
data, not text (JSON, CSV, ICS, SVG coordinates, attributes), never come from here.
"""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language, pgettext

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


# -- numbers in the active language ----------------------------------------------------

# Per language: (decimal separator, thousands separator, unit labels), or None where
# digits are not grouped by threes (Python's "," grouping cannot say it). The feed
# formats several numbers a row; Django's number_format reads three formats each time.
_styles = {}


def _style(language):
    style = _styles.get(language)
    if style is None:
        style = _styles[language] = _new_style(language)
    return style


def _new_style(language):
    labels = _unit_labels()
    if formats.get_format("NUMBER_GROUPING", language) != 3:
        return None, labels
    decimal = formats.get_format("DECIMAL_SEPARATOR", language)
    thousand = formats.get_format("THOUSAND_SEPARATOR", language)
    return str.maketrans({",": thousand, ".": decimal}), labels


def _unit_labels():
    return {
        # Translators: unit symbols printed after a number ("12.5 km"); most stay
        # as they are in French.
        "km": pgettext("unit", "km"),
        "mi": pgettext("unit", "mi"),
        "m": pgettext("unit", "m"),
        "ft": pgettext("unit", "ft"),
        "km/h": pgettext("unit", "km/h"),
        "mph": pgettext("unit", "mph"),
        "bpm": pgettext("unit", "bpm"),
        "kcal": pgettext("unit", "kcal"),
        "W": pgettext("unit", "W"),
    }


def number_style():
    """The active language's style, for a caller that formats several numbers (the
    `style` argument below): it spares each number the language lookup."""
    return _style(get_language())


def unit_label(unit):
    """A unit symbol ("km", "mph"...) in the active language."""
    return _style(get_language())[1].get(unit, unit)


def format_number(value, decimal_pos=0, unit="", style=None):
    """`value` with `decimal_pos` decimals and grouped thousands in the active
    language ("1,234.5" / "1 234,5"), then the unit's symbol, if any."""
    table, labels = style or _style(get_language())
    if table is None:
        # Rounded first: number_format cuts a float's extra decimals off.
        rounded = round(value, decimal_pos)
        text = formats.number_format(rounded, decimal_pos, force_grouping=True)
    else:
        text = f"{value:,.{decimal_pos}f}".translate(table)
    return f"{text} {labels.get(unit, unit)}" if unit else text


def format_distance(metres, units=METRIC, style=None):
    """ "12.35 km" or "7.67 mi"; "" for a missing value. Spelled out, not through
    from_metres: the feed calls it for every row."""
    if metres is None:
        return ""
    if _imperial(units):
        return format_number(metres / METRES_PER_MILE, 2, "mi", style)
    return format_number(metres / 1000, 2, "km", style)


def format_elevation(metres, units=METRIC, style=None):
    """ "120 m" or "394 ft"."""
    if metres is None:
        return ""
    if _imperial(units):
        return format_number(metres * FEET_PER_METRE, 0, "ft", style)
    return format_number(metres, 0, "m", style)


def format_pace_clock(seconds_per_km, units=METRIC):
    """ "5:30" per km or "8:51" per mile, without the unit (form fields)."""
    minutes, secs = divmod(pace_from_s_per_km(seconds_per_km, units), 60)
    return f"{minutes}:{secs:02d}"


def format_pace(seconds_per_km, units=METRIC):
    """ "5:30 /km" or "8:51 /mi"."""
    if not seconds_per_km:
        return ""
    unit = unit_label(distance_unit(units))
    return f"{format_pace_clock(seconds_per_km, units)} /{unit}"


def format_speed(metres_per_second, units=METRIC):
    """ "25.2 km/h" or "15.7 mph"."""
    if metres_per_second is None:
        return ""
    if _imperial(units):
        return format_number(metres_per_second * 3600 / METRES_PER_MILE, 1, "mph")
    return format_number(metres_per_second * 3.6, 1, "km/h")


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
