"""TRIMP and TSS, with answers worked out by hand."""

import pytest

from analytics import load
from analytics.load import Physiology

ATHLETE = Physiology(resting_hr=60, max_hr=190, ftp_w=250)


def run(seconds=3600, avg_hr=150.0, sport="run", moving=None):
    return {
        "sport_type": sport,
        "elapsed_time_s": seconds,
        "moving_time_s": moving,
        "avg_hr_bpm": avg_hr,
    }


def test_trimp_of_an_hour_at_150_bpm_matches_banisters_formula():
    # dHR = (150 - 60) / (190 - 60) = 0.692308; e^(1.92 * 0.692308) = e^1.329231
    # = 3.777925; TRIMP = 60 min * 0.692308 * 0.64 * 3.777925 = 100.44
    assert load.trimp(3600, 150, ATHLETE) == pytest.approx(100.44, abs=0.01)


def test_trimp_grows_with_duration_linearly():
    assert load.trimp(7200, 150, ATHLETE) == pytest.approx(200.88, abs=0.02)


def test_an_average_under_the_resting_hr_is_no_load():
    assert load.trimp(3600, 50, ATHLETE) == 0


def test_an_average_over_the_max_hr_counts_as_the_max():
    # dHR = 1: 60 * 1 * 0.64 * e^1.92 = 60 * 0.64 * 6.820958 = 261.92
    assert load.trimp(3600, 200, ATHLETE) == pytest.approx(261.92, abs=0.01)


def test_trimp_needs_a_duration_and_an_average_hr():
    assert load.trimp(None, 150, ATHLETE) is None
    assert load.trimp(3600, None, ATHLETE) is None


def test_tss_of_an_hour_at_ftp_is_100():
    assert load.tss(3600, 250, 250) == pytest.approx(100)


def test_tss_of_an_hour_at_80_percent_of_ftp_is_64():
    # IF = 200 / 250 = 0.8; TSS = 3600 * 200 * 0.8 / (250 * 3600) * 100 = 64
    assert load.tss(3600, 200, 250) == pytest.approx(64)


def test_normalized_power_of_a_steady_effort_is_that_power():
    assert load.normalized_power([230] * 600) == pytest.approx(230)


def test_normalized_power_weighs_the_30_second_rolling_average_to_the_4th_power():
    # 30 s at 400 W, then 30 s at 0 W: the 31 rolling windows hold 30, 29, ... 0
    # seconds of 400 W, averages 400k/30. NP = (400/30) * (sum k^4 / 31)^(1/4),
    # sum of k^4 for k = 0..30 = 5,273,999: NP = 13.3333 * 170,129^(1/4) = 270.79
    assert load.normalized_power([400] * 30 + [0] * 30) == pytest.approx(270.79, 0.01)


def test_normalized_power_needs_30_seconds():
    assert load.normalized_power([300] * 29) is None


def test_power_samples_hold_until_the_next_but_pauses_are_left_out():
    series = load.power_series([0, 2, 4, 60], [100, 200, None, 300])
    # 0 holds 2 s, 2 holds until 60 but at most 5 s, the last sample 1 s.
    assert series == [100, 100, 200, 200, 200, 200, 200, 300]


def test_a_ride_with_power_and_an_ftp_gets_tss():
    channels = {"time_s": list(range(3600)), "power_w": [250] * 3600}
    value, method = load.session_load(run(sport="ride"), ATHLETE, channels)
    assert method == "tss"
    assert value == pytest.approx(100)


def test_a_ride_without_an_ftp_falls_back_to_trimp():
    channels = {"time_s": list(range(3600)), "power_w": [250] * 3600}
    no_ftp = Physiology(resting_hr=60, max_hr=190)
    value, method = load.session_load(run(sport="ride"), no_ftp, channels)
    assert method == "trimp"
    assert value == pytest.approx(100.44, abs=0.01)


def test_a_run_with_power_gets_trimp_since_ftp_is_a_cycling_threshold():
    channels = {"time_s": list(range(3600)), "power_w": [250] * 3600}
    assert load.session_load(run(), ATHLETE, channels)[1] == "trimp"


def test_moving_time_is_used_before_elapsed_time():
    value, _ = load.session_load(run(seconds=7200, moving=3600), ATHLETE)
    assert value == pytest.approx(100.44, abs=0.01)


def test_a_session_without_heart_rate_or_power_has_no_load():
    assert load.session_load(run(avg_hr=None), ATHLETE) is None
