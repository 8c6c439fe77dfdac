"""Splits, zone times and best efforts (analytics/analysis.py, analytics/zones.py)
on synthetic streams whose answers are known by construction."""

import pytest

from analytics import analysis, zones
from analytics.models import AthleteSettings


def steady_run(metres, speed, hr=None, climb_per_m=0.0):
    """1 Hz samples of a run at `speed` m/s for `metres` (a whole number of s)."""
    seconds = round(metres / speed)
    time_s = list(range(seconds + 1))
    return {
        "time_s": time_s,
        "distance_m": [t * speed for t in time_s],
        "altitude_m": [100 + t * speed * climb_per_m for t in time_s],
        "heartrate_bpm": [hr(t) if hr else 140 for t in time_s],
    }


def test_splits_per_km_have_the_time_pace_heart_rate_and_climb_of_each_km():
    run = steady_run(2500, 4.0, hr=lambda t: 130 if t <= 250 else 150, climb_per_m=0.01)

    splits = analysis.splits(run)

    assert [round(s.distance_m) for s in splits] == [1000, 1000, 500]
    assert [s.time_s for s in splits] == [250, 250, 125]
    assert [s.pace(analysis.KM_M) for s in splits] == [250, 250, 250]
    assert splits[0].avg_hr_bpm == 130
    assert splits[1].avg_hr_bpm == 150
    assert [round(s.elevation_change_m, 6) for s in splits] == [10, 10, 5]


def test_splits_per_mile_cut_at_1609_metres():
    run = steady_run(4000, 4.0)

    splits = analysis.splits(run, analysis.MILE_M)

    assert len(splits) == 3
    assert splits[0].distance_m == pytest.approx(1609.344)
    assert splits[0].time_s == pytest.approx(1609.344 / 4)
    assert splits[2].distance_m == pytest.approx(4000 - 2 * 1609.344)


def test_sparse_samples_stepping_over_two_boundaries_give_two_splits():
    run = {"time_s": [0, 500, 600], "distance_m": [0, 2000, 2400]}

    splits = analysis.splits(run)

    assert [s.time_s for s in splits] == [250, 250, 100]


def test_an_activity_without_distance_has_no_splits():
    assert analysis.splits({"time_s": [0, 1, 2], "distance_m": None}) == []


def test_time_in_hr_zones_counts_each_sample_until_the_next():
    values = [100] * 600 + [130] * 600 + [150] * 600 + [170] * 600 + [185] * 601
    time_s = list(range(len(values)))
    bounds = zones.default_hr_zones(200)

    assert bounds == [120, 140, 160, 180]
    assert analysis.zone_times(time_s, values, bounds) == [600] * 5


def test_a_pause_longer_than_the_gap_counts_only_the_gap():
    time_s = [0, 1, 2, 1000, 1001]
    values = [100, 100, 100, 190, 190]

    times = analysis.zone_times(time_s, values, [120, 140, 160, 180])

    assert times == [2 + analysis.GAP_S, 0, 0, 0, 1]


def test_samples_without_heart_rate_are_not_counted():
    times = analysis.zone_times([0, 1, 2, 3], [None, 100, None, 100], [120])

    assert times == [2, 0]


def test_power_zones_follow_coggan_from_ftp():
    bounds = zones.power_zone_bounds(200)
    watts = [100, 140, 170, 200, 230, 280, 400]
    values = [w for w in watts for _ in range(60)] + [400]
    time_s = list(range(len(values)))

    assert bounds == pytest.approx([110, 150, 180, 210, 240, 300])
    assert analysis.zone_times(time_s, values, bounds) == [60] * 7


def test_athlete_zones_win_over_the_ones_derived_from_max_hr():
    own = AthleteSettings(hr_zones=[110, 130, 150, 170], max_hr_bpm=200)
    derived = AthleteSettings(max_hr_bpm=190)

    assert zones.hr_zone_bounds(own) == [110, 130, 150, 170]
    assert zones.hr_zone_bounds(derived) == [114, 133, 152, 171]
    assert zones.hr_zone_bounds(AthleteSettings()) is None
    assert zones.power_zone_bounds(None) is None


def test_best_distance_efforts_find_the_fast_kilometre_inside_a_10k():
    # 3 km at 4 m/s, 1 km at 5 m/s, 6 km at 4 m/s; samples every second.
    time_s, distance = [0], [0.0]
    for speed, seconds in ((4, 750), (5, 200), (4, 1500)):
        for _ in range(seconds):
            time_s.append(time_s[-1] + 1)
            distance.append(distance[-1] + speed)

    best = analysis.best_distance_efforts(time_s, distance)

    assert best == {1000: 200, 5000: 200 + 1000, 10000: 2450}


def test_a_distance_effort_longer_than_the_activity_is_left_out():
    run = steady_run(3000, 4.0)

    best = analysis.best_distance_efforts(run["time_s"], run["distance_m"])

    assert best == {1000: 250}


def test_best_power_uses_rolling_windows_over_time():
    # 15 min at 200 W, 5 min at 300 W with a 5 s sprint at 800 W, 15 min at 200 W.
    block = [300] * 150 + [800] * 5 + [300] * 145
    values = [200] * 900 + block + [200] * 900
    time_s = list(range(len(values)))

    best = analysis.best_power(time_s, values)

    assert best[5] == 800
    assert best[60] == pytest.approx((55 * 300 + 5 * 800) / 60)
    assert best[300] == pytest.approx((295 * 300 + 5 * 800) / 300)
    assert best[1200] == pytest.approx((900 * 200 + 295 * 300 + 5 * 800) / 1200)


def test_an_unrecorded_gap_counts_as_zero_watts_not_as_a_bridge():
    # 3 min at 300 W, nothing recorded for 10 min, 3 min at 300 W.
    time_s = list(range(180)) + list(range(780, 960))
    values = [300] * 360

    best = analysis.best_power(time_s, values)

    assert best[60] == 300
    assert best[300] < 300
    assert best[300] == pytest.approx((180 + analysis.GAP_S - 1) * 300 / 300)


def test_power_windows_longer_than_the_ride_are_left_out():
    best = analysis.best_power(list(range(100)), [250] * 100)

    assert set(best) == {5, 60}
    assert analysis.best_power([0, 1], [None, None]) == {}


def test_a_channel_never_recorded_gives_no_efforts_rather_than_an_error():
    assert analysis.best_power([0.0, 1.0, 2.0], None) == {}
    assert analysis.per_second([0.0, 1.0], None) == []
