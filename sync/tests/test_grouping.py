"""Real-life pairs are grouped once, near misses are not (issue 10)."""

from providers.sports import SportType
from sync.models import Activity, ActivityGroup

from .grouping_helpers import MORNING, connections, later, partition, record, visible


def test_garmin_watch_run_uploaded_to_strava_is_one_session_led_by_garmin(user):
    c = connections(user, "garmin", "strava")
    garmin = record(c["garmin"], 21_001, MORNING, 3725, utc_offset_s=7200)
    strava = record(
        c["strava"], 9_001, MORNING, 3725, utc_offset_s=7200, calories_kcal=812.0
    )

    garmin.refresh_from_db()
    strava.refresh_from_db()
    assert garmin.group_id == strava.group_id is not None
    assert (garmin.is_canonical, strava.is_canonical) == (True, False)
    assert garmin.group.canonical_id == garmin.pk
    assert garmin.group.filled == {"calories_kcal": 812.0}
    assert visible(user) == [("garmin", "21001")]


def test_wahoo_ride_and_its_strava_upload_a_second_apart_are_one_session(user):
    c = connections(user, "wahoo", "strava")
    record(c["wahoo"], "w-77", MORNING, 5402, SportType.RIDE, device_name="ELEMNT")
    record(c["strava"], 9_002, later(MORNING, seconds=1), 5400, SportType.RIDE)

    assert visible(user) == [("wahoo", "w-77")]
    group = ActivityGroup.objects.get()
    assert group.filled == {}


def test_coros_trail_run_and_strava_run_are_one_session(user):
    c = connections(user, "coros", "strava")
    record(c["coros"], "c-5", MORNING, 4100, SportType.TRAIL_RUN)
    record(c["strava"], 9_003, MORNING, 4100, SportType.RUN, avg_hr_bpm=151.0)

    assert visible(user) == [("coros", "c-5")]
    assert ActivityGroup.objects.get().filled == {"avg_hr_bpm": 151.0}


def test_polar_and_strava_with_two_minutes_between_starts_are_one_session(user):
    c = connections(user, "polar", "strava")
    record(c["polar"], "p-9", MORNING, 2700)
    # Strava's copy was trimmed at both ends: 8 % shorter, inside the Polar session.
    record(c["strava"], 9_004, later(MORNING, minutes=2), 2480)

    assert visible(user) == [("polar", "p-9")]


def test_copy_one_hour_off_from_a_time_zone_error_is_one_session(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_002, MORNING, 1800, utc_offset_s=3600)
    # Strava took the local time for UTC: one hour later, offset 0.
    record(c["strava"], 9_005, later(MORNING, hours=1), 1800, utc_offset_s=0)

    assert visible(user) == [("garmin", "21002")]


def test_copy_one_hour_off_without_offsets_is_one_session(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_003, MORNING, 1800)
    record(c["strava"], 9_006, later(MORNING, hours=-1), 1800)

    assert len(visible(user)) == 1


def test_hour_shift_with_different_seconds_is_two_sessions(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_004, MORNING, 1800)
    record(c["strava"], 9_007, later(MORNING, hours=1, seconds=1), 1800)

    assert len(visible(user)) == 2


def test_short_back_to_back_intervals_do_not_merge(user):
    c = connections(user, "garmin", "strava")
    # A two-minute warm-up on the watch, then a two-minute drill on the phone.
    record(c["garmin"], 21_005, MORNING, 120)
    record(c["strava"], 9_008, later(MORNING, seconds=120), 118)

    assert len(visible(user)) == 2
    assert not ActivityGroup.objects.exists()


def test_hour_long_back_to_back_sessions_in_one_time_zone_do_not_merge(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_006, MORNING, 3600, SportType.RIDE, utc_offset_s=7200)
    record(
        c["strava"],
        9_009,
        later(MORNING, hours=1),
        3600,
        SportType.VIRTUAL_RIDE,
        utc_offset_s=7200,
    )

    assert len(visible(user)) == 2


def test_brick_bike_then_run_stays_two_sessions_each_with_its_copies(user):
    c = connections(user, "garmin", "strava")
    run_start = later(MORNING, minutes=92)
    record(c["garmin"], 21_007, MORNING, 5400, SportType.RIDE)
    record(c["garmin"], 21_008, run_start, 2400, SportType.RUN)
    record(c["strava"], 9_010, MORNING, 5400, SportType.RIDE)
    record(c["strava"], 9_011, run_start, 2400, SportType.RUN)

    assert partition(user) == {
        frozenset({("garmin", "21007"), ("strava", "9010")}),
        frozenset({("garmin", "21008"), ("strava", "9011")}),
    }


def test_run_and_ride_at_the_same_time_do_not_merge(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_009, MORNING, 3600, SportType.RUN)
    record(c["strava"], 9_012, MORNING, 3600, SportType.RIDE)

    assert len(visible(user)) == 2


def test_garmin_strava_and_fitbit_copies_form_one_triple(user):
    c = connections(user, "strava", "fitbit", "garmin")
    record(c["strava"], 9_013, MORNING, 3000, max_hr_bpm=181.0)
    record(c["fitbit"], "f-1", later(MORNING, seconds=40), 2950, calories_kcal=640.0)
    garmin = record(c["garmin"], 21_010, MORNING, 3002, device_name="Forerunner 965")

    garmin.refresh_from_db()
    assert visible(user) == [("garmin", "21010")]
    assert garmin.group.copies.count() == 3
    assert garmin.group.filled == {"calories_kcal": 640.0, "max_hr_bpm": 181.0}


def test_two_copies_from_one_provider_never_join_one_session(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_011, MORNING, 3600)
    record(c["strava"], 9_014, MORNING, 3600)
    record(c["strava"], 9_015, later(MORNING, seconds=30), 3600)

    sessions = partition(user)
    assert len(sessions) == 2
    assert frozenset({("garmin", "21011"), ("strava", "9014")}) in sessions


def test_other_athletes_sessions_are_never_grouped_with_mine(user, other_user):
    mine = connections(user, "garmin")
    theirs = connections(other_user, "strava")
    record(mine["garmin"], 21_012, MORNING, 3600)
    record(theirs["strava"], 9_016, MORNING, 3600)

    assert not ActivityGroup.objects.exists()


def test_provider_priority_setting_decides_the_canonical_copy(user, settings):
    settings.ACTIVITY_PROVIDER_PRIORITY = ["strava", "garmin"]
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_013, MORNING, 3600)
    record(c["strava"], 9_017, MORNING, 3600)

    assert visible(user) == [("strava", "9017")]


def test_grouping_can_be_switched_off(user, settings):
    settings.ACTIVITY_GROUPING = False
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_014, MORNING, 3600)
    record(c["strava"], 9_018, MORNING, 3600)

    assert len(visible(user)) == 2
    assert not Activity.objects.filter(group__isnull=False).exists()


def test_edited_copy_that_no_longer_matches_leaves_its_group(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], 21_015, MORNING, 3600)
    record(c["strava"], 9_019, MORNING, 3600)
    assert len(visible(user)) == 1

    # The athlete fixed the start time on Strava; the next sync brings the edit.
    record(c["strava"], 9_019, later(MORNING, hours=5, minutes=7), 3600)

    assert len(visible(user)) == 2
    assert not ActivityGroup.objects.exists()


def test_copy_taken_over_by_another_athlete_leaves_the_first_athletes_group(
    user, other_user
):
    mine = connections(user, "garmin", "strava")
    garmin = record(mine["garmin"], 21_016, MORNING, 3600)
    record(mine["strava"], 9_020, MORNING, 3600)
    assert ActivityGroup.objects.count() == 1

    # The Strava account was reconnected by another athlete, whose sync re-adopts it.
    theirs = connections(other_user, "strava")
    moved = record(theirs["strava"], 9_020, MORNING, 3600)

    garmin.refresh_from_db()
    assert (moved.user_id, moved.group_id, moved.is_canonical) == (
        other_user.pk,
        None,
        True,
    )
    assert (garmin.group_id, garmin.is_canonical) == (None, True)
    assert not ActivityGroup.objects.exists()
