"""Personal records per sport family, over sessions (canonical copies) only."""

from datetime import UTC, datetime, timedelta

from analytics.records import personal_records
from providers.tests.factories import make_connection

from .load_helpers import session, stored

START = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)


def by_family(user):
    return {r["family"]: r for r in personal_records(user.pk)}


def test_the_longest_distance_and_session_of_each_family(user):
    road = stored(user, START, sport_type="run", distance_m=21100.0, moving_time_s=6000)
    trail = stored(
        user,
        START + timedelta(days=1),
        sport_type="trail_run",
        distance_m=18000.0,
        moving_time_s=9000,
    )
    ride = stored(
        user, START, sport_type="ride", distance_m=90000.0, moving_time_s=10800
    )
    records = by_family(user)
    assert set(records) == {"run", "ride"}
    assert records["run"]["label"] == "Running"
    assert records["run"]["distance"]["id"] == road.pk
    assert records["run"]["duration"]["id"] == trail.pk
    assert records["run"]["duration"]["seconds"] == 9000
    assert records["ride"]["distance"]["id"] == ride.pk


def test_elapsed_time_counts_when_there_is_no_moving_time(user):
    long = stored(user, START, sport_type="yoga", elapsed_time_s=5400)
    stored(user, START, sport_type="yoga", elapsed_time_s=3600)
    records = by_family(user)
    assert records["yoga"]["label"] == "Yoga"
    assert records["yoga"]["duration"]["id"] == long.pk
    assert records["yoga"]["distance"] is None


def test_a_tie_goes_to_the_earliest_session(user):
    first = stored(user, START, distance_m=10000.0)
    stored(user, START + timedelta(days=3), distance_m=10000.0)
    assert by_family(user)["run"]["distance"]["id"] == first.pk


def test_a_duplicate_copy_is_not_a_record_of_its_own(user):
    strava, garmin = make_connection(user, "strava"), make_connection(user, "garmin")
    session(strava, START, distance_m=42500.0, activity_id="s1")
    kept = session(garmin, START + timedelta(seconds=30), distance_m=42195.0)
    assert by_family(user)["run"]["distance"]["id"] == kept.pk


def test_another_athletes_records_are_not_mine(user, other_user):
    stored(other_user, START, distance_m=50000.0)
    assert personal_records(user.pk) == []


def test_a_record_is_dated_the_day_it_was_done_where_it_was_done(user):
    # 22:54 UTC on 30 November is 07:54 on 1 December in Tokyo (UTC+9).
    late = datetime(2026, 11, 30, 22, 54, tzinfo=UTC)
    stored(user, late, sport_type="hike", distance_m=20100.0, utc_offset_s=9 * 3600)
    walk = by_family(user)["walk"]
    assert walk["distance"]["date"] == datetime(2026, 12, 1).date()
    assert walk["duration"]["date"] == datetime(2026, 12, 1).date()
