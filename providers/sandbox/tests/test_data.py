"""The sandbox's generated training: deterministic, varied, plausible."""

from datetime import date, timedelta

from providers.sandbox import data

ATHLETE = data.ATHLETES[0]
TODAY = date(2026, 11, 25)


def test_generation_is_deterministic_and_stable_as_the_window_slides():
    today = data.sessions(ATHLETE, today=TODAY)
    tomorrow = data.sessions(ATHLETE, today=TODAY + timedelta(days=1))
    assert today == data.sessions(ATHLETE, today=TODAY)
    assert tomorrow != today
    # The 119 days both windows hold are identical, session for session.
    overlap = {s.key for s in tomorrow} & {s.key for s in today}
    assert [s for s in today if s.key in overlap] == [
        s for s in tomorrow if s.key in overlap
    ]
    assert len(overlap) > 0.9 * len(today)


def test_athletes_train_differently():
    first = data.sessions(data.ATHLETES[0], today=TODAY)
    second = data.sessions(data.ATHLETES[1], today=TODAY)
    assert [s.start for s in first] != [s.start for s in second]


def test_four_months_hold_every_sport_and_several_time_zones():
    sessions = data.sessions(ATHLETE, today=TODAY)
    assert len(sessions) > 60
    assert {s.sport for s in sessions} == {"run", "ride", "swim", "hike", "strength"}
    assert len({s.zone for s in sessions}) >= 2


def test_a_dst_change_falls_inside_the_history():
    paris = [s for s in data.sessions(ATHLETE, today=TODAY) if s.zone == "Europe/Paris"]
    assert {s.offset_s for s in paris} == {3600, 7200}


def test_some_garmin_sessions_reach_strava_seconds_apart():
    sessions = data.sessions(ATHLETE, today=TODAY)
    garmin = {s.key: s for s in sessions if s.provider == "garmin"}
    copies = [s for s in sessions if s.key.endswith("-s")]
    assert copies
    for copy in copies:
        original = garmin[copy.key.removesuffix("-s")]
        assert copy.provider == "strava"
        assert 0 < (copy.start - original.start).total_seconds() < 5
        assert copy.distance_m == original.distance_m


def test_numbers_are_plausible():
    for s in data.sessions(ATHLETE, today=TODAY):
        assert 20 * 60 <= s.elapsed_s <= 5 * 3600 + 59
        assert s.moving_s <= s.elapsed_s
        assert 90 <= s.hr_avg < s.hr_max <= 200
        assert s.uploaded_at > s.end
        if s.sport == "strength":
            assert s.distance_m is None
        else:
            speed_kmh = s.distance_m / s.moving_s * 3.6
            assert 2 < speed_kmh < 33


def test_wahoo_records_only_rides_and_runs():
    for athlete in data.ATHLETES:
        assert {s.sport for s in data.sessions(athlete, "wahoo", TODAY)} <= {
            "ride",
            "run",
        }


def test_expected_facts_follow_polar_30_day_and_coros_three_month_rules():
    polar = data.visible_sessions(ATHLETE, "polar")
    coros = data.visible_sessions(ATHLETE, "coros")
    everything = data.sessions(ATHLETE, "coros")
    assert len(polar) < len(data.sessions(ATHLETE, "polar"))
    assert len(coros) < len(everything)
    assert len(data.expected_facts(ATHLETE, "polar")) == len(polar)
