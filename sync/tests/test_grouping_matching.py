"""The matching rules on their own: no database (sync.grouping.matching)."""

from datetime import timedelta

from sync.grouping.matching import Copy, elect, pair, partition, same_session

from .grouping_helpers import MORNING

_ids = iter(range(1, 10_000))


def copy(provider, start=MORNING, seconds=3600, sport="run", **fields):
    n = next(_ids)
    return Copy(
        id=n,
        provider=provider,
        provider_activity_id=str(n),
        sport_type=sport,
        start_time=start,
        elapsed_time_s=seconds,
        **fields,
    )


def test_starts_three_minutes_apart_match_and_a_second_more_does_not():
    garmin = copy("garmin")
    assert same_session(garmin, copy("strava", MORNING + timedelta(minutes=3)))
    assert not same_session(
        garmin, copy("strava", MORNING + timedelta(minutes=3, seconds=1))
    )


def test_whole_hour_shifts_match_up_to_fourteen_hours():
    garmin = copy("garmin")
    assert same_session(garmin, copy("strava", MORNING + timedelta(hours=14)))
    assert same_session(garmin, copy("strava", MORNING - timedelta(hours=14)))
    assert not same_session(garmin, copy("strava", MORNING + timedelta(hours=15)))


def test_hour_shift_must_agree_with_both_utc_offsets_when_both_are_known():
    garmin = copy("garmin", utc_offset_s=-5 * 3600)
    wrong_utc = MORNING - timedelta(hours=5)
    assert same_session(garmin, copy("strava", wrong_utc, utc_offset_s=0))
    assert not same_session(garmin, copy("strava", wrong_utc, utc_offset_s=-5 * 3600))


def test_durations_more_than_ten_percent_apart_need_most_of_the_shorter_overlapping():
    garmin = copy("garmin", seconds=3600)
    # The phone was stopped after 40 minutes: all of it lies inside the watch's hour.
    assert same_session(garmin, copy("strava", seconds=2400))
    # A 20-minute copy starting 3 minutes early overlaps 17/20 = 85 %.
    early = MORNING - timedelta(minutes=3)
    assert same_session(garmin, copy("strava", early, seconds=1200))
    # A 5-minute copy starting 3 minutes early overlaps 2/5 = 40 %.
    assert not same_session(garmin, copy("strava", early, seconds=300))


def test_copy_without_a_duration_matches_nothing():
    assert not same_session(copy("garmin"), copy("strava", seconds=None))


def test_moving_time_stands_in_for_a_missing_elapsed_time():
    strava = copy("strava", seconds=None, moving_time_s=3500)
    assert same_session(copy("garmin"), strava)


def test_swim_families_match_and_swim_and_run_do_not():
    pool = copy("garmin", sport="swim")
    assert same_session(pool, copy("strava", sport="open_water_swim"))
    assert not same_session(pool, copy("strava", sport="run"))


def test_apart_decision_keeps_a_chain_from_joining_through_a_third_copy():
    garmin, strava, fitbit = copy("garmin"), copy("strava"), copy("fitbit")
    decisions = {pair(garmin.key, fitbit.key): "apart"}

    sessions = partition([garmin, strava, fitbit], decisions)

    ids = sorted(sorted(c.id for c in session) for session in sessions)
    assert ids == sorted([sorted([garmin.id, strava.id]), [fitbit.id]])


def test_elect_takes_the_priority_provider_and_fills_its_missing_metrics():
    strava = copy("strava", calories_kcal=500.0, device_name="Garmin Edge")
    polar = copy("polar", avg_hr_bpm=140.0)

    canonical, filled = elect([strava, polar])

    assert canonical is polar
    assert filled == {"calories_kcal": 500.0, "device_name": "Garmin Edge"}
