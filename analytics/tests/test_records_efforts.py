"""Best efforts in personal records: ranked from each session's stored efforts
(ActivityStreams.efforts), canonical copies only, in one query."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps

from analytics.models import ActivityStreams, StreamStatus
from analytics.records import best_efforts, personal_records
from analytics.streams import codec
from providers.tests.factories import make_connection

from .load_helpers import session, stored

START = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
RECORDS = "/api/analytics/records"


def with_efforts(activity, distance=None, power=None, status=StreamStatus.READY):
    efforts = {"distance": distance or {}, "power": power or {}}
    return ActivityStreams.objects.create(
        activity=activity, status=status, efforts=efforts, source="strava"
    )


def efforts_of(user, family):
    return {e["name"]: e for e in best_efforts(user.pk).get(family, [])}


def test_the_fastest_distances_come_from_whichever_run_holds_each(user):
    slow = stored(user, START, sport_type="run")
    fast = stored(user, START + timedelta(days=2), sport_type="trail_run")
    with_efforts(slow, distance={"1000": 250.0, "5000": 1400.0, "10000": 3000.0})
    with_efforts(fast, distance={"1000": 230.0, "5000": 1500.0})

    runs = efforts_of(user, "run")

    assert list(runs) == ["Fastest 1 km", "Fastest 5 km", "Fastest 10 km"]
    assert runs["Fastest 1 km"]["activity_id"] == fast.pk
    assert runs["Fastest 1 km"]["text"] == "3:50"
    assert runs["Fastest 5 km"]["activity_id"] == slow.pk
    assert runs["Fastest 5 km"]["value"] == 1400.0
    assert runs["Fastest 10 km"]["unit"] == "s"
    assert runs["Fastest 10 km"]["date"] == date(2026, 4, 1)


def test_power_is_a_ride_record_and_distance_a_run_or_walk_record(user):
    ride = stored(user, START, sport_type="ride")
    gravel = stored(user, START + timedelta(days=1), sport_type="gravel_ride")
    hike = stored(user, START, sport_type="hike")
    with_efforts(ride, distance={"1000": 80.0}, power={"5": 900.0, "1200": 250.0})
    with_efforts(gravel, power={"5": 950.4, "1200": 240.0})
    with_efforts(hike, distance={"1000": 600.0}, power={"5": 300.0})

    rides, walks = efforts_of(user, "ride"), efforts_of(user, "walk")

    assert list(rides) == ["Best 5 s power", "Best 20 min power"]
    assert rides["Best 5 s power"]["activity_id"] == gravel.pk
    assert rides["Best 5 s power"]["text"] == "950 W"
    assert rides["Best 20 min power"]["activity_id"] == ride.pk
    assert list(walks) == ["Fastest 1 km"]
    assert walks["Fastest 1 km"]["activity_id"] == hike.pk
    assert "run" not in best_efforts(user.pk)


def test_a_tie_goes_to_the_earliest_session(user):
    later = stored(user, START + timedelta(days=5))
    first = stored(user, START)
    with_efforts(later, distance={"1000": 240.0})
    with_efforts(first, distance={"1000": 240.0})
    assert efforts_of(user, "run")["Fastest 1 km"]["activity_id"] == first.pk


def test_rows_not_ready_count_for_nothing(user):
    with_efforts(stored(user, START), {"1000": 200.0}, status=StreamStatus.PENDING)
    assert best_efforts(user.pk) == {}


def test_a_copys_streams_count_for_its_canonical_session_only(user):
    strava, garmin = make_connection(user, "strava"), make_connection(user, "garmin")
    copy = session(strava, START, activity_id="s1")
    kept = session(garmin, START + timedelta(seconds=30))
    copy.refresh_from_db()
    assert not copy.is_canonical and kept.is_canonical
    # Fetched while the Strava copy was canonical; Garmin's arrived later.
    with_efforts(copy, distance={"1000": 210.0})

    held = efforts_of(user, "run")["Fastest 1 km"]

    assert held["activity_id"] == kept.pk
    assert held["value"] == 210.0


def test_the_canonical_copys_own_row_wins_over_a_copys(user):
    strava, garmin = make_connection(user, "strava"), make_connection(user, "garmin")
    copy = session(strava, START, activity_id="s1")
    kept = session(garmin, START + timedelta(seconds=30))
    with_efforts(copy, distance={"1000": 200.0})
    with_efforts(kept, distance={"1000": 220.0})

    held = efforts_of(user, "run")["Fastest 1 km"]

    assert (held["activity_id"], held["value"]) == (kept.pk, 220.0)


def test_another_athletes_efforts_are_not_mine(user, other_user):
    stored(user, START)
    with_efforts(stored(other_user, START), distance={"1000": 180.0})
    assert personal_records(user.pk)[0]["efforts"] == []


@pytest.mark.parametrize("sessions", [1, 12])
def test_records_take_three_queries_however_many_sessions_have_streams(
    user, sessions, django_assert_num_queries
):
    for n in range(sessions):
        activity = stored(user, START + timedelta(days=n), sport_type="ride")
        with_efforts(activity, power={"5": 800.0 + n})
    with django_assert_num_queries(3):
        found = personal_records(user.pk)
    assert found[0]["efforts"][0]["value"] == 800.0 + sessions - 1


def test_efforts_are_read_without_the_streams_data(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with_efforts(stored(user, START), distance={"1000": 200.0})
    with CaptureQueriesContext(connection) as captured:
        best_efforts(user.pk)
    (query,) = captured.captured_queries
    assert '"data"' not in query["sql"] and '"low"' not in query["sql"]


def test_the_api_lists_efforts_with_unit_day_and_activity(client, user):
    ride = stored(user, START, sport_type="ride")
    with_efforts(ride, power={"60": 412.5})
    client.force_login(user)

    body = client.get(RECORDS).json()

    assert body[0]["efforts"] == [
        {
            "name": "Best 1 min power",
            "value": 412.5,
            "unit": "W",
            "activity_id": ride.pk,
            "date": "2026-04-01",
        }
    ]


def test_the_migration_fills_the_efforts_of_rows_already_stored(user):
    from .streams_helpers import ride

    data = ride(seconds=600)
    row = ActivityStreams.objects.create(
        activity=stored(user, START, sport_type="ride"),
        status=StreamStatus.READY,
        data=codec.encode(data.channels()),
    )
    migration = importlib.import_module("analytics.migrations.0003_streams_efforts")

    migration.fill_efforts(apps, None)

    row.refresh_from_db()
    # 8 m/s: 1 km in 125 s; 600 s of recording hold no 20-minute window.
    assert row.efforts["distance"] == {"1000": 125.0}
    assert set(row.efforts["power"]) == {"5", "60", "300"}


def test_the_analytics_page_shows_efforts_stored_after_it_was_cached(
    client, user, django_capture_on_commit_callbacks
):
    from analytics.streams import store

    from .streams_helpers import ride

    activity = stored(user, START, sport_type="ride", name="Hill repeats")
    client.force_login(user)
    assert "open a session to load it" in client.get("/analytics/").content.decode()
    row = ActivityStreams.objects.create(activity=activity)

    with django_capture_on_commit_callbacks(execute=True):
        store.mark_ready(
            ActivityStreams.objects.filter(pk=row.pk), ride(1300), "wahoo", user.pk
        )

    html = client.get("/analytics/").content.decode()
    assert "Best 20 min power" in html
    assert f'href="/activities/{activity.pk}/"' in html
