"""What the activity page's streams block shows, computed on the server.

Charts and the route use the downsampled copy (`low`: about 600 points, enough for
a screen); splits, zone times and best efforts use every sample and are cached per
streams row and athlete settings, since decoding a 4-hour ride costs more than the
rest of the page. SVG geometry is plain numbers in a fixed viewBox: the browser
scales it, and no JavaScript is needed to see any of it. What people read (labels,
values, the cursor's readout) is in the active language, and so cached per language.
"""

import hashlib
import math

from django.core.cache import cache
from django.utils.translation import get_language, gettext, pgettext

from .. import analysis, zones
from ..models import Units
from ..units import (
    METRES_PER_MILE,
    format_distance,
    format_elevation,
    format_number,
    format_pace,
    format_speed,
    unit_label,
)
from . import store

CHART_W, CHART_H = 600, 120
PAD = 4  # the charts' inner margin (viewBox units)
OUTLINE_W, OUTLINE_H = 300, 200
PACE_SPORTS = {"run", "trail_run", "treadmill_run", "walk", "hike"}
# Slower than this is standing still; the chart would be all spike.
SLOWEST_PACE_S_PER_KM = 20 * 60
CACHE_TTL_S = 24 * 3600


def route(low):
    """[[lat, lon], ...] of the samples that have both."""
    lats, lons = low.get("latitude"), low.get("longitude")
    if not lats or not lons:
        return []
    return [
        [lat, lon]
        for lat, lon in zip(lats, lons, strict=False)
        if lat is not None and lon is not None
    ]


def outline(points):
    """An SVG path of the route, north up, in an OUTLINE_W x OUTLINE_H box."""
    if len(points) < 2:
        return ""
    lats = [p[0] for p in points]
    # Equirectangular: a degree of longitude is cos(latitude) of one of latitude.
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    xs = [p[1] * scale_x for p in points]
    ys = [p[0] for p in points]  # _path puts larger values higher: north up
    return _path(xs, ys, OUTLINE_W, OUTLINE_H, keep_aspect=True)


def _path(xs, ys, width, height, keep_aspect=False, pad=PAD, x_span=None):
    """An SVG path of (x, y) in a width x height box; `x_span` (low, high) fixes
    the x scale, so charts with gaps at their ends still line up (the cursor)."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=False) if y is not None]
    if len(pairs) < 2:
        return ""
    x0, x1 = x_span or (min(p[0] for p in pairs), max(p[0] for p in pairs))
    y0, y1 = min(p[1] for p in pairs), max(p[1] for p in pairs)
    sx = (width - 2 * pad) / ((x1 - x0) or 1)
    sy = (height - 2 * pad) / ((y1 - y0) or 1)
    if keep_aspect:
        sx = sy = min(sx, sy)
    out, pen = [], "M"
    for x, y in zip(xs, ys, strict=False):
        if y is None:
            pen = "M"  # a gap in the recording is a gap in the line
            continue
        out.append(f"{pen}{pad + (x - x0) * sx:.1f},{height - pad - (y - y0) * sy:.1f}")
        pen = "L"
    return " ".join(out)


def chart_context(low, sport, units):
    """The charts, and what the shared cursor's readout reads (a json_script):
    {"x": each point's x in the charts' viewBox, "at": where it is ("5.21 km",
    "1:02:03"), "series": {chart key: the value there as the chart's range shows
    it ("152 bpm", "5:12 /km"), None in a gap}}, one entry per point of `low`."""
    drawn = charts(low, sport, units)
    if not drawn:
        return {"charts": [], "readout": None}
    xs, _, label = _x_axis(low, units)
    x0, x1 = min(xs), max(xs)
    scale = (CHART_W - 2 * PAD) / ((x1 - x0) or 1)
    return {
        "charts": drawn,
        "readout": {
            "x": [round(PAD + (x - x0) * scale, 1) for x in xs],
            "at": [label(x) for x in xs],
            "series": {chart["key"]: chart.pop("readout") for chart in drawn},
        },
    }


def charts(low, sport, units):
    """One dict per chart worth drawing: title, SVG path, value range, x axis, and
    the readout of every point (chart_context moves it to the page's data)."""
    xs, x_label, _ = _x_axis(low, units)
    if not xs:
        return []
    span = (min(xs), max(xs))
    found = []
    for key, title, values, fmt in _series(low, sport, units):
        present = [v for v in values if v is not None]
        if len(present) < 2 or max(present) == min(present) == 0:
            continue
        found.append(
            {
                "key": key,
                "title": title,
                "path": _path(xs, values, CHART_W, CHART_H, x_span=span),
                "top": fmt(max(present)),
                "bottom": fmt(min(present)),
                "readout": [fmt(v) if v is not None else None for v in values],
            }
        )
    for chart in found:
        chart["x_label"] = x_label
    return found


def _x_axis(low, units):
    """(x of each point, the axis' length as text, a point's x as text): distance
    in km or miles when most points have one, else minutes."""
    distance, time_s = low.get("distance_m"), low.get("time_s") or []
    if distance and sum(v is not None for v in distance) > len(distance) // 2:
        unit = METRES_PER_MILE if units == Units.IMPERIAL else 1000
        name = "mi" if unit != 1000 else "km"
        xs = [v / unit for v in _filled(distance)]
        return (
            xs,
            format_number(xs[-1], 1, name),
            lambda x: format_number(x, 2, name),
        )
    minutes = [t / 60 for t in time_s]
    length = f"{format_number(minutes[-1])} min" if minutes else ""
    return minutes, length, lambda x: _clock(x * 60)


def _filled(values):
    """`values` with each gap holding the value before it (0 at the start): the
    distance of a sample without one is where the athlete already was."""
    out, last = [], 0
    for value in values:
        last = value if value is not None else last
        out.append(last)
    return out


def _series(low, sport, units):
    altitude = low.get("altitude_m")
    if altitude:
        elevation = gettext("Elevation")
        yield "elevation", elevation, altitude, lambda v: format_elevation(v, units)
    if low.get("heartrate_bpm"):
        heart_rate = gettext("Heart rate")
        values = low["heartrate_bpm"]
        yield "heartrate", heart_rate, values, lambda v: format_number(v, 0, "bpm")
    speed = low.get("speed_m_s") or _speed_from_distance(low)
    if speed and sport in PACE_SPORTS:
        # Faster is up: the line plots minus the pace.
        paces = [-_pace(v) if v else None for v in speed]
        yield "pace", gettext("Pace"), paces, lambda v: format_pace(-v, units)
    elif speed:
        yield "speed", gettext("Speed"), speed, lambda v: format_speed(v, units)
    if low.get("power_w"):
        power = gettext("Power")
        yield "power", power, low["power_w"], lambda v: format_number(v, 0, "W")


def _pace(speed):
    return min(1000 / speed, SLOWEST_PACE_S_PER_KM)


def _speed_from_distance(low):
    distance, time_s = low.get("distance_m"), low.get("time_s")
    if not distance or not time_s:
        return None
    speeds = [None]
    for i in range(1, len(time_s)):
        a, b = distance[i - 1], distance[i]
        dt = time_s[i] - time_s[i - 1]
        speeds.append((b - a) / dt if a is not None and b is not None and dt else None)
    return speeds


def summary(row, athlete, units):
    """Splits, zone times and best efforts from every sample; cached."""
    hr_bounds = zones.hr_zones(getattr(athlete, "hr_zones", None), _max_hr(athlete))
    ftp = getattr(athlete, "ftp_w", None)
    stamp = row.fetched_at.timestamp() if row.fetched_at else 0
    settings_key = hashlib.sha256(f"{units}:{hr_bounds}:{ftp}".encode()).hexdigest()
    key = f"analytics:streams:{row.pk}:{stamp}:{settings_key[:16]}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = _summary(store.channels_of(row, "high"), hr_bounds, ftp, units)
        cache.set(key, found, CACHE_TTL_S)
    return found


def _max_hr(athlete):
    if athlete is None:
        return None
    return athlete.max_hr_bpm or getattr(athlete, "observed_max_hr_bpm", None)


def _summary(channels, hr_bounds, ftp, units):
    time_s = channels.get("time_s") or []
    unit_m = analysis.MILE_M if units == Units.IMPERIAL else analysis.KM_M
    power_bounds = zones.power_zone_bounds(ftp)
    distance_best = analysis.best_distance_efforts(time_s, channels.get("distance_m"))
    return {
        "splits": [
            _split_row(s, unit_m, units) for s in analysis.splits(channels, unit_m)
        ],
        "hr_zones": _zone_rows(
            analysis.zone_times(time_s, channels.get("heartrate_bpm"), hr_bounds),
            hr_bounds,
            zones.HR_ZONE_NAMES,
            unit_label("bpm"),
        ),
        "power_zones": _zone_rows(
            analysis.zone_times(time_s, channels.get("power_w"), power_bounds),
            power_bounds,
            zones.POWER_ZONE_NAMES,
            unit_label("W"),
        ),
        "has_hr": bool(channels.get("heartrate_bpm")),
        "has_power": bool(channels.get("power_w")),
        "best_distance": [
            # Race distances are named in km whatever the units (a 5K is a 5K).
            {"label": format_number(m // 1000, 0, "km"), "time": _clock(s)}
            for m, s in distance_best.items()
        ],
        "best_power": [
            {"label": _window_label(w), "watts": round(p)}
            for w, p in analysis.best_power(time_s, channels.get("power_w")).items()
        ],
    }


def _split_row(split, unit_m, units):
    pace = split.pace(1000)  # s/km; format_pace converts for imperial
    return {
        "number": split.number,
        "distance": format_distance(split.distance_m, units),
        "time": _clock(split.time_s),
        "pace": format_pace(pace, units),
        "avg_hr": round(split.avg_hr_bpm) if split.avg_hr_bpm is not None else None,
        "elevation": _signed(split.elevation_change_m, units),
    }


def _signed(metres, units):
    """ "+12 m", "-3 m", "0 m" (never "-0 m")."""
    if metres is None:
        return ""
    text = format_elevation(abs(metres), units)
    if text.startswith("0 "):
        return text
    return f"+{text}" if metres > 0 else f"-{text}"


def _zone_rows(times, bounds, names, unit):
    if times is None:
        return []
    total = sum(times) or 1
    rows = []
    for i, seconds in enumerate(times):
        low = format_number(bounds[i - 1]) if i else "0"
        if i < len(bounds):
            # Translators: a zone's range, as "120 to 140 bpm".
            label = gettext("%(low)s to %(high)s %(unit)s") % {
                "low": low,
                "high": format_number(bounds[i]),
                "unit": unit,
            }
        else:
            # Translators: the top zone's range, as "170+ bpm".
            label = pgettext("zone range", "%(low)s+ %(unit)s") % {
                "low": low,
                "unit": unit,
            }
        rows.append(
            {
                "zone": i + 1,
                "name": str(names[i]) if i < len(names) else "",
                "range": label,
                "time": _clock(seconds),
                "share": round(100 * seconds / total),
            }
        )
    return rows


def _window_label(seconds):
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


def _clock(seconds):
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
