"""What an activity's streams say: splits, time in zones, best efforts.

Pure functions on channels as analytics.streams.codec gives them (time_s,
distance_m, altitude_m, heartrate_bpm, power_w, ...: equal-length lists, None where
a sample lacks the value).

Time is counted per sample: a sample lasts until the next one, but never longer than
GAP_S, so a pause the device did not record (auto-pause, a stop) is not counted as
time in a zone. Rolling power averages see such a gap as zeros: no pedalling.
"""

import bisect
from dataclasses import dataclass
from itertools import pairwise

GAP_S = 10
KM_M = 1000.0
MILE_M = 1609.344
# A last partial split shorter than this is noise (the watch stopped a step late).
MIN_PARTIAL_M = 20.0
DISTANCE_EFFORTS_M = (1000, 5000, 10000)
POWER_EFFORTS_S = (5, 60, 300, 1200)


@dataclass(frozen=True)
class Split:
    number: int
    distance_m: float
    time_s: float
    avg_hr_bpm: float | None
    elevation_change_m: float | None

    def pace(self, unit_m):
        """Seconds per `unit_m`, from this split's own distance (partial too)."""
        return self.time_s / self.distance_m * unit_m if self.distance_m else None


def _pairs(*channels):
    """Indexes where every given channel has a value (none when a channel was
    never recorded: a hike has no power)."""
    if any(c is None for c in channels):
        return []
    size = min(len(c) for c in channels)
    return [i for i in range(size) if all(c[i] is not None for c in channels)]


def _durations(time_s, indexes):
    """How long each of `indexes` lasts: to the next one, at most GAP_S."""
    out = []
    for a, b in pairwise(indexes):
        out.append(min(time_s[b] - time_s[a], GAP_S))
    if indexes:
        out.append(0)
    return out


def zone_times(time_s, values, bounds):
    """Seconds spent in each zone: len(bounds) + 1 zones, zone k below bounds[k]
    (the last zone has no upper bound). None without bounds or values."""
    if not bounds or not values:
        return None
    indexes = _pairs(time_s, values)
    if not indexes:
        return None
    totals = [0.0] * (len(bounds) + 1)
    for i, seconds in zip(indexes, _durations(time_s, indexes), strict=True):
        totals[bisect.bisect_right(bounds, values[i])] += seconds
    return totals


def splits(channels, unit_m=KM_M):
    """One Split per `unit_m` of distance (the last one partial), with its time,
    average heart rate and elevation change. [] without distance."""
    time_s, distance = channels.get("time_s"), channels.get("distance_m")
    if not time_s or not distance:
        return []
    indexes = _pairs(time_s, distance)
    if len(indexes) < 2:
        return []
    hr, altitude = channels.get("heartrate_bpm"), channels.get("altitude_m")
    origin = distance[indexes[0]]
    out, start = [], _Mark(indexes[0], time_s, distance, altitude)
    members = []
    for a, b in pairwise(indexes):
        members.append(b)
        # A loop, not an if: sparse samples may step over more than one boundary.
        while distance[b] >= (boundary := origin + (len(out) + 1) * unit_m):
            end = _Mark.at(boundary, a, b, time_s, distance, altitude)
            out.append(_split(len(out) + 1, start, end, members, hr))
            start, members = end, []
    end = _Mark(indexes[-1], time_s, distance, altitude)
    if end.distance - start.distance >= MIN_PARTIAL_M and members:
        out.append(_split(len(out) + 1, start, end, members, hr))
    return out


class _Mark:
    """A point along the activity: time, distance and altitude there."""

    def __init__(self, i, time_s, distance, altitude):
        self.time, self.distance = time_s[i], distance[i]
        self.altitude = altitude[i] if altitude else None

    @classmethod
    def at(cls, boundary, a, b, time_s, distance, altitude):
        """The point where distance reaches `boundary` between samples a and b."""
        mark = cls(b, time_s, distance, altitude)
        covered = distance[b] - distance[a]
        share = (boundary - distance[a]) / covered if covered else 1.0
        mark.time = time_s[a] + share * (time_s[b] - time_s[a])
        mark.distance = boundary
        if altitude and altitude[a] is not None and altitude[b] is not None:
            mark.altitude = altitude[a] + share * (altitude[b] - altitude[a])
        return mark


def _split(number, start, end, members, hr):
    rates = [hr[i] for i in members if hr and hr[i] is not None]
    change = None
    if start.altitude is not None and end.altitude is not None:
        change = end.altitude - start.altitude
    return Split(
        number=number,
        distance_m=end.distance - start.distance,
        time_s=end.time - start.time,
        avg_hr_bpm=sum(rates) / len(rates) if rates else None,
        elevation_change_m=change,
    )


def best_distance_efforts(time_s, distance_m, targets=DISTANCE_EFFORTS_M):
    """{target metres: fastest seconds to cover at least that distance} (two
    pointers over distance); a target longer than the activity is left out."""
    if not time_s or not distance_m:
        return {}
    indexes = _pairs(time_s, distance_m)
    t = [time_s[i] for i in indexes]
    d = [distance_m[i] for i in indexes]
    return {
        target: best
        for target in targets
        if (best := _fastest(t, d, target)) is not None
    }


def _fastest(t, d, target):
    best, i = None, 0
    for j in range(len(d)):
        # Move the start forward while the window still covers the target.
        while i + 1 < j and d[j] - d[i + 1] >= target:
            i += 1
        if d[j] - d[i] >= target:
            elapsed = t[j] - t[i]
            best = elapsed if best is None else min(best, elapsed)
    return best


def best_power(time_s, power_w, windows=POWER_EFFORTS_S):
    """{window seconds: best average watts over that many seconds}; a window
    longer than the recording is left out."""
    series = per_second(time_s, power_w)
    if not series:
        return {}
    sums = [0.0]
    for value in series:
        sums.append(sums[-1] + value)
    out = {}
    for window in windows:
        if window <= len(series):
            top = max(
                sums[k + window] - sums[k] for k in range(len(series) - window + 1)
            )
            out[window] = top / window
    return out


def per_second(time_s, values):
    """`values` as one number per whole second from the first sample: each sample
    holds until the next, for at most GAP_S; unrecorded seconds are 0."""
    indexes = _pairs(time_s, values)
    if not indexes:
        return []
    first, last = time_s[indexes[0]], time_s[indexes[-1]]
    series = [0.0] * (int(last - first) + 1)
    for a, b in zip(indexes, [*indexes[1:], None], strict=True):
        start = int(time_s[a] - first)
        stop = int(time_s[b] - first) if b is not None else start + 1
        for second in range(start, min(stop, start + GAP_S, len(series))):
            series[second] = float(values[a])
    return series
