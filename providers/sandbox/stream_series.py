"""A plausible 1 Hz recording of one sandbox session, deterministic per session.

The athlete leaves from near the centre of the town they are in (the session's time
zone), rides or runs one loop that ends where it began, and covers exactly the
session's distance in its moving time; the rest of the elapsed time is one pause
half-way, where speed, cadence and power are 0. Altitude rolls over three hills that
climb the session's elevation gain; heart rate warms up over five minutes towards
the session's average and never passes its maximum. Pool swims have no position or
altitude, strength sessions only heart rate; power is recorded on rides only.

Every provider module serves this same series in its own shape (FIT, GPX, TCX,
JSON), so a session reads the same whichever backend parses it.
"""

import math
import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from . import data

# Where each sandbox time zone's athlete lives or travels (a city centre).
PLACES = {
    "Europe/Paris": (48.8566, 2.3522),
    "Europe/London": (51.5072, -0.1276),
    "Asia/Tokyo": (35.6762, 139.6503),
    "America/New_York": (40.7128, -74.0060),
    "America/Denver": (39.7392, -104.9903),
    "Australia/Sydney": (-33.8688, 151.2093),
    "Asia/Kolkata": (22.5726, 88.3639),
}
METRES_PER_DEGREE = 111_320
CADENCE = {"run": 86, "ride": 88, "hike": 54, "swim": 30}
BASE_ALTITUDE_M = 40.0
HILLS = 3
WARM_UP_S = 300


@dataclass(frozen=True)
class Series:
    """Channels as lists of one value per second; None: not recorded."""

    time_s: tuple
    distance_m: tuple | None
    latitude: tuple | None
    longitude: tuple | None
    altitude_m: tuple | None
    heartrate_bpm: tuple
    speed_m_s: tuple | None
    cadence_rpm: tuple | None
    power_w: tuple | None

    def __len__(self):
        return len(self.time_s)


def find_session(athlete, provider, matches):
    """The athlete's session at `provider` that `matches(session)`, or None."""
    for session in data.sessions(athlete, provider):
        if matches(session):
            return session
    return None


def session_by_key(key):
    """The session a Session.key names ("<athlete>-<day ordinal>-<index>[-s]")."""
    try:
        athlete_id, ordinal = str(key).split("-")[:2]
        athlete = data.get_athlete(athlete_id)
        day = date.fromordinal(int(ordinal))
    except (ValueError, LookupError):
        return None
    return next((s for s in data.sessions_on(athlete, day) if s.key == key), None)


@lru_cache(maxsize=64)
def series_for(session):
    """The session's recording: one sample per second of its elapsed time."""
    rng = random.Random(f"streams:{session.key}")  # noqa: S311 — test data
    seconds = range(session.elapsed_s)
    moving = _moving_mask(session)
    heart = tuple(_heart_rate(session, t, moving[t], rng) for t in seconds)
    if session.distance_m is None:
        return Series(tuple(seconds), None, None, None, None, heart, None, None, None)
    speeds = _speeds(session, moving, rng)
    distance = _cumulative(speeds)
    cadence = tuple(
        CADENCE[session.sport] + rng.randint(-3, 3) if m else 0 for m in moving
    )
    power = None
    if session.sport == "ride":
        power = tuple(round(28 * s + rng.uniform(-15, 15)) if s else 0 for s in speeds)
    outdoors = session.sport != "swim"  # pool swims record no position
    route = _route(session, distance) if outdoors else (None, None)
    altitude = _altitude(session, distance) if outdoors else None
    return Series(
        time_s=tuple(seconds),
        distance_m=distance,
        latitude=route[0],
        longitude=route[1],
        altitude_m=altitude,
        heartrate_bpm=heart,
        speed_m_s=tuple(round(s, 2) for s in speeds),
        cadence_rpm=cadence,
        power_w=power,
    )


def _moving_mask(session):
    """True for each moving second: one pause of (elapsed - moving) s half-way."""
    pause = session.elapsed_s - session.moving_s
    start = (session.elapsed_s - pause) // 2
    return tuple(not start <= t < start + pause for t in range(session.elapsed_s))


def _speeds(session, moving, rng):
    """m/s per second, varying gently, adding up to exactly the distance."""
    raw = [
        (1 + 0.12 * math.sin(t / 97) + rng.uniform(-0.04, 0.04)) if m else 0.0
        for t, m in enumerate(moving)
    ]
    scale = session.distance_m / (sum(raw) or 1)
    return [v * scale for v in raw]


def _cumulative(speeds):
    total, out = 0.0, []
    for speed in speeds:
        out.append(round(total, 1))
        total += speed
    return tuple(out)


def _heart_rate(session, t, moving, rng):
    target = session.hr_avg if moving else session.hr_avg - 18
    warm = min(t / WARM_UP_S, 1.0)
    value = target - 25 * (1 - warm) + 6 * math.sin(t / 180) + rng.uniform(-2, 2)
    return max(60, min(session.hr_max, round(value)))


def _route(session, distance):
    """(latitudes, longitudes) of a loop of the session's length from the centre."""
    lat0, lon0 = PLACES.get(session.zone, PLACES["Europe/Paris"])
    radius = session.distance_m / (2 * math.pi)
    heading = (data.stable_number(session.key, 3) % 360) * math.pi / 180
    lats, lons = [], []
    for d in distance:
        angle = 2 * math.pi * d / session.distance_m
        # A circle through the start point, turned by the session's heading.
        x, y = radius * (math.cos(angle) - 1), radius * math.sin(angle)
        east = x * math.cos(heading) - y * math.sin(heading)
        north = x * math.sin(heading) + y * math.cos(heading)
        lats.append(round(lat0 + north / METRES_PER_DEGREE, 7))
        lon_scale = METRES_PER_DEGREE * math.cos(math.radians(lat0))
        lons.append(round(lon0 + east / lon_scale, 7))
    return tuple(lats), tuple(lons)


def _altitude(session, distance):
    """Three hills whose climbs add up to the session's elevation gain."""
    amplitude = (session.elevation_m or 0) / (2 * HILLS)
    return tuple(
        round(
            BASE_ALTITUDE_M
            + amplitude * (1 - math.cos(2 * math.pi * HILLS * d / session.distance_m)),
            1,
        )
        for d in distance
    )
