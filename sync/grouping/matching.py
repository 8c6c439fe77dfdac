"""Which provider copies are one real session: pure functions, no database.

Two copies match when they belong to the same athlete (the caller's job), come from
different providers, are of one sport family (providers.sports.SPORT_FAMILIES) and
their clocks agree:

- the starts are within START_TOLERANCE, or exactly a whole number of hours apart
  (1 to MAX_SHIFT_HOURS, identical minutes and seconds: the classic time-zone error),
  then the later copy is compared shifted back by those hours. When both copies carry
  a UTC offset, the shift must be what the offsets explain (both copies then agree on
  the wall-clock start); otherwise two separate hour-long sessions back to back, or a
  morning and an evening run at the same minute, would merge;
- and the (shifted) intervals overlap at all, so back-to-back sessions never merge;
- and the durations are within DURATION_TOLERANCE of each other, or the overlap
  covers MIN_OVERLAP of the shorter copy (one device stopped early or paused).

A copy without any duration cannot be placed in time and matches nothing; the athlete
can still merge it by hand.
"""

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from providers.sports import SPORT_FAMILIES

START_TOLERANCE = timedelta(minutes=3)
MAX_SHIFT_HOURS = 14
# How far apart two copies of one session can start: the widest candidate window.
WINDOW = timedelta(hours=MAX_SHIFT_HOURS) + START_TOLERANCE
DURATION_TOLERANCE = 0.10
MIN_OVERLAP = 0.80
# Metrics the group's entry takes from another copy when the canonical one lacks them.
FILL_FIELDS = (
    "calories_kcal",
    "avg_hr_bpm",
    "max_hr_bpm",
    "elevation_gain_m",
    "device_name",
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# sport -> family; a sport outside every family is its own family.
FAMILY = {sport: name for name, sports in SPORT_FAMILIES.items() for sport in sports}
DEFAULT_PRIORITY = ("garmin", "coros", "polar", "wahoo", "fitbit", "strava")


@dataclass(slots=True)
class Copy:
    """What grouping needs of one stored activity (see store.COLUMNS)."""

    id: int
    provider: str
    provider_activity_id: str
    sport_type: str
    start_time: object
    utc_offset_s: int | None = None
    elapsed_time_s: int | None = None
    moving_time_s: int | None = None
    group_id: int | None = None
    is_canonical: bool = True
    group_canonical_id: int | None = None
    group_filled: dict | None = None
    calories_kcal: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    elevation_gain_m: float | None = None
    device_name: str | None = None
    user_id: int | None = None

    @property
    def key(self):
        return (self.provider, self.provider_activity_id)

    @property
    def duration_s(self):
        return self.elapsed_time_s or self.moving_time_s


def pair(a, b):
    """The order-free key of a pair of (provider, provider_activity_id) keys."""
    return (a, b) if a <= b else (b, a)


def clock_shift(a, b):
    """Seconds b's clock runs ahead of a's (0 for close starts), or None: no match."""
    delta = (b.start_time - a.start_time).total_seconds()
    if abs(delta) <= START_TOLERANCE.total_seconds():
        return 0
    hours, rest = divmod(abs(delta), 3600)
    if rest or not 1 <= hours <= MAX_SHIFT_HOURS:
        return None
    offsets = (a.utc_offset_s, b.utc_offset_s)
    if None not in offsets and offsets[0] - offsets[1] != delta:
        return None
    return delta


def same_session(a, b):
    if a.provider == b.provider:
        return False
    family = FAMILY.get(a.sport_type, a.sport_type)
    if family != FAMILY.get(b.sport_type, b.sport_type):
        return False
    da, db = a.duration_s, b.duration_s
    if not da or not db:
        return False
    shift = clock_shift(a, b)
    if shift is None:
        return False
    a_start = a.start_time.timestamp()
    b_start = b.start_time.timestamp() - shift
    overlap = min(a_start + da, b_start + db) - max(a_start, b_start)
    if overlap <= 0:
        return False
    close = abs(da - db) <= DURATION_TOLERANCE * max(da, db)
    return close or overlap >= MIN_OVERLAP * min(da, db)


def matching_pairs(copies):
    """(a, b) for every matching pair, closest starts first, in a stable order."""
    ordered = sorted(copies, key=lambda c: (c.start_time, c.id))
    # Whole microseconds since the epoch: exact, cheap to compare and to hash.
    starts = [(c.start_time - EPOCH) // MICROSECOND for c in ordered]
    tolerance, hour = START_TOLERANCE // MICROSECOND, 3600 * 10**6
    # Copies a whole number of hours apart share the remainder of their start by the
    # hour; a bucket usually holds one copy, so this is one lookup per copy.
    by_rest = {}
    for start, c in zip(starts, ordered, strict=True):
        by_rest.setdefault(start % hour, []).append((start, c))
    found = []
    for i, a in enumerate(ordered):
        start = starts[i]
        end = bisect.bisect_right(starts, start + tolerance)
        later = ordered[i + 1 : end]
        later += [
            b
            for other, b in by_rest[start % hour]
            if hour <= other - start <= MAX_SHIFT_HOURS * hour
        ]
        for b in later:
            if b.provider != a.provider and same_session(a, b):
                gap = abs((b.start_time - a.start_time).total_seconds()) % 3600
                found.append((gap, a.id, b.id, a, b))
    found.sort(key=lambda item: item[:3])
    return [(a, b) for *_, a, b in found]


def partition(copies, decisions):
    """Split `copies` into sessions: lists of copies, each list sorted by id.

    `decisions` maps pair(key_a, key_b) to "together" or "apart". Together pairs are
    joined first, then matching pairs, closest first. A join never puts an apart pair
    in one session (however indirectly), and a match never puts two copies of one
    provider in one session (only the athlete's together can).
    """
    parent = {c.id: c.id for c in copies}
    members = {c.id: [c] for c in copies}
    apart = {}
    for (ka, kb), decision in decisions.items():
        if decision == "apart":
            apart.setdefault(ka, set()).add(kb)
            apart.setdefault(kb, set()).add(ka)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a, b, by_athlete):
        ra, rb = root(a.id), root(b.id)
        if ra == rb:
            return
        left, right = members[ra], members[rb]
        if any(m.key in apart.get(n.key, ()) for m in left for n in right):
            return
        if not by_athlete and {m.provider for m in left} & {n.provider for n in right}:
            return
        ra, rb = min(ra, rb), max(ra, rb)
        parent[rb] = ra
        members[ra] = members[ra] + members.pop(rb)

    by_key = {c.key: c for c in copies}
    for (ka, kb), decision in sorted(decisions.items()):
        if decision == "together" and ka in by_key and kb in by_key:
            join(by_key[ka], by_key[kb], by_athlete=True)
    for a, b in matching_pairs(copies):
        join(a, b, by_athlete=False)
    return [sorted(group, key=lambda c: c.id) for group in members.values()]


def elect(copies, priority=DEFAULT_PRIORITY):
    """(canonical copy, filled metrics) of one session's copies."""
    rank = {provider: i for i, provider in enumerate(priority)}
    ordered = sorted(copies, key=lambda c: (rank.get(c.provider, len(rank)), c.id))
    canonical, filled = ordered[0], {}
    for name in FILL_FIELDS:
        if getattr(canonical, name) in (None, ""):
            for other in ordered[1:]:
                value = getattr(other, name)
                if value not in (None, ""):
                    filled[name] = value
                    break
    return canonical, filled
