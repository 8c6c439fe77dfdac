"""The sandbox athletes and their training, generated deterministically.

Every day has its own `random.Random` seeded with the athlete's seed and the date, so
a day's sessions never change as the four-month window slides forward: a sync today
and a sync tomorrow see the same sessions where they overlap. Each session is
recorded by one provider (the device the athlete wore); about half the Garmin ones
also reach Strava a few seconds apart, as Garmin Connect's auto-upload does.

The provider modules turn a Session into their payload shape; `expected_facts` is
what our normalisation must make of them (tests compare the two exactly).
"""

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from providers.sports import SportType

HISTORY_DAYS = 120
PROVIDERS = ("strava", "garmin", "polar", "coros", "wahoo", "fitbit")


@dataclass(frozen=True)
class Athlete:
    id: int
    name: str
    seed: int
    home: str  # IANA zone
    trips: tuple[str, ...]


ATHLETES = (
    Athlete(1, "Alex Sandbox", 1001, "Europe/Paris", ("Asia/Tokyo", "Europe/London")),
    Athlete(2, "Blair Sandbox", 2002, "America/New_York", ("America/Denver",)),
    Athlete(3, "Casey Sandbox", 3003, "Australia/Sydney", ("Asia/Kolkata",)),
)


def get_athlete(athlete_id):
    for athlete in ATHLETES:
        if athlete.id == int(athlete_id):
            return athlete
    raise LookupError(f"no sandbox athlete {athlete_id}")


def provider_user_id(slug, athlete):
    """The athlete's id at one provider, in that provider's style."""
    digest = hashlib.sha256(f"{slug}:{athlete.id}".encode()).hexdigest()
    return {
        "strava": str(71_000_000 + athlete.id),
        "garmin": f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:28]}",
        "polar": str(60_000_000_000 + athlete.id),  # past 32 bits, as §4.8 warns
        "coros": digest[:32],
        "wahoo": str(880_000 + athlete.id),
        "fitbit": str(int(digest[:15], 16)),
    }[slug]


def stable_number(key, digits=9):
    """A stable number from a string (Python's hash() is salted per process)."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**digits


@dataclass(frozen=True)
class Session:
    """One recorded training session, in canonical units."""

    key: str  # unique per athlete and provider; the provider modules derive ids
    provider: str
    sport: str  # run, ride, swim, hike, strength
    start: datetime  # UTC, whole seconds
    zone: str
    elapsed_s: int
    moving_s: int
    distance_m: float | None
    elevation_m: float | None
    hr_avg: int
    hr_max: int
    kcal: int
    uploaded_at: datetime
    device: str
    name: str

    @property
    def offset_s(self):
        return int(
            self.start.astimezone(ZoneInfo(self.zone)).utcoffset().total_seconds()
        )

    @property
    def local_start(self):
        return self.start.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)

    @property
    def end(self):
        return self.start + timedelta(seconds=self.elapsed_s)


# sport: (weight, minutes range, speed km/h range, climb m/h range, HR avg range)
SPORTS = {
    "run": (35, (25, 100), (9.0, 13.5), (30, 250), (138, 165)),
    "ride": (25, (45, 240), (21.0, 32.0), (150, 700), (122, 150)),
    "swim": (12, (25, 60), (2.2, 3.4), (0, 0), (118, 145)),
    "hike": (10, (90, 300), (3.4, 5.0), (250, 600), (102, 130)),
    "strength": (18, (30, 70), None, None, (92, 120)),
}
OUR_SPORT = {
    "run": SportType.RUN,
    "ride": SportType.RIDE,
    "swim": SportType.SWIM,
    "hike": SportType.HIKE,
    "strength": SportType.STRENGTH,
}
# Which provider recorded it; Wahoo head units only do rides and runs.
RECORDERS = {
    "garmin": 25,
    "polar": 15,
    "coros": 15,
    "wahoo": 15,
    "fitbit": 15,
    "strava": 15,
}
DEVICES = {
    "garmin": "Garmin Forerunner 965",
    "polar": "Polar Vantage V3",
    "coros": "COROS PACE 3",
    "wahoo": "Wahoo ELEMNT BOLT",
    "fitbit": "Pixel Watch 3",
    "strava": "Strava App",
}


def _zone_on(athlete, day):
    """Home, except one week in five spent on a trip (time zones vary)."""
    week = day.toordinal() // 7
    rng = random.Random(f"{athlete.seed}:week:{week}")  # noqa: S311 — test data
    if athlete.trips and rng.random() < 0.2:
        return rng.choice(athlete.trips)
    return athlete.home


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _session(athlete, day, index, rng):
    sport = _pick(rng, {name: spec[0] for name, spec in SPORTS.items()})
    _, minutes, speed, climb, hr = SPORTS[sport]
    recorders = dict(RECORDERS)
    if sport not in ("run", "ride"):
        del recorders["wahoo"]
    provider = _pick(rng, recorders)
    zone = _zone_on(athlete, day)
    local = datetime.combine(day, time(rng.randint(6, 19), rng.randrange(60)))
    # fold=0 and a real wall time: sessions never start in a DST gap at these hours.
    start = local.replace(tzinfo=ZoneInfo(zone), second=rng.randrange(60))
    start = start.astimezone(UTC)
    elapsed = rng.randint(*minutes) * 60 + rng.randrange(60)
    moving = elapsed if sport == "strength" else int(elapsed * rng.uniform(0.86, 0.99))
    distance = elevation = None
    if speed:
        distance = round(moving / 3600 * rng.uniform(*speed) * 1000, 1)
        elevation = round(elapsed / 3600 * rng.uniform(*climb), 1)
    hr_avg = rng.randint(*hr)
    return Session(
        key=f"{athlete.id}-{day.toordinal()}-{index}",
        provider=provider,
        sport=sport,
        start=start,
        zone=zone,
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        elevation_m=elevation,
        hr_avg=hr_avg,
        hr_max=hr_avg + rng.randint(12, 35),
        kcal=round(elapsed / 60 * rng.uniform(6, 13)),
        uploaded_at=start + timedelta(seconds=elapsed + rng.randint(60, 6 * 3600)),
        device=DEVICES[provider],
        name=f"{local:%A} {sport}",
    )


@lru_cache(maxsize=4096)
def sessions_on(athlete, day):
    """Every session the athlete recorded on `day`, with Strava copies."""
    rng = random.Random(f"{athlete.seed}:{day.isoformat()}")  # noqa: S311
    found = []
    for index in range(rng.choices((0, 1, 2), weights=(30, 60, 10))[0]):
        session = _session(athlete, day, index, rng)
        found.append(session)
        if session.provider == "garmin" and rng.random() < 0.5:
            # Garmin Connect's auto-upload: same session, seconds apart, on Strava.
            shift = timedelta(seconds=rng.randint(1, 4))
            found.append(
                replace(
                    session,
                    key=session.key + "-s",
                    provider="strava",
                    start=session.start + shift,
                    uploaded_at=session.uploaded_at + timedelta(minutes=2),
                )
            )
    return found


def sessions(athlete, provider=None, today=None):
    """The last HISTORY_DAYS days of sessions (today excluded), oldest first."""
    today = today or datetime.now(UTC).date()
    found = []
    for back in range(HISTORY_DAYS, 0, -1):
        found += sessions_on(athlete, today - timedelta(days=back))
    if provider:
        found = [s for s in found if s.provider == provider]
    return sorted(found, key=lambda s: s.start)


def three_months_before(day):
    """COROS's earliest listing date (§5.4): same day three months back, or the
    first of the following month when that day does not exist."""
    year, month = divmod(day.year * 12 + day.month - 1 - 3, 12)
    try:
        return day.replace(year=year, month=month + 1)
    except ValueError:
        return date(year, month + 2, 1) if month < 11 else date(year + 1, 1, 1)


def visible_sessions(athlete, provider, now=None):
    """What the provider's listing can return at all (its history rules)."""
    now = now or datetime.now(UTC)
    found = sessions(athlete, provider, now.date())
    if provider == "polar":  # §4.5: uploaded to Flow in the last 30 days
        found = [s for s in found if s.uploaded_at >= now - timedelta(days=30)]
    if provider == "coros":  # §5.4: no deeper than three months
        earliest = three_months_before(now.date())
        found = [s for s in found if s.start.date() >= earliest]
    return found


def expected_facts(athlete, provider, now=None, since=None):
    """What our normalisation must produce for a full listing, oldest first."""
    found = visible_sessions(athlete, provider, now)
    if since is not None:
        found = [s for s in found if s.start >= since]
    return [
        {
            "start_time": s.start,
            "elapsed_time_s": s.elapsed_s,
            "distance_m": s.distance_m,
            "sport_type": OUR_SPORT[s.sport],
        }
        for s in found
    ]
