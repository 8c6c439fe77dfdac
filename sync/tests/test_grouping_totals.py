"""What the athlete sees counts a session once, however many providers recorded it."""

from datetime import UTC, datetime, timedelta

import pytest

from providers.sports import SportType
from sync import queries
from sync.grouping import split_activity
from sync.models import Activity

from .grouping_helpers import connections, record

# A Thursday noon: every session below falls in its week and month.
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
def sessions(user):
    """Three sessions this week: a run on three providers, a ride on two, a swim."""
    c = connections(user, "garmin", "strava", "fitbit")
    start = NOW - timedelta(hours=2)
    for provider in ("garmin", "strava", "fitbit"):
        record(c[provider], f"run-{provider}", start, 3600, distance_m=10_000.0)
    ride = start - timedelta(hours=20)
    for provider in ("garmin", "strava"):
        record(c[provider], f"ride-{provider}", ride, 7200, SportType.RIDE)
    record(c["strava"], "swim", start - timedelta(hours=30), 1800, SportType.SWIM)
    return c


def test_totals_count_each_session_once(user, sessions):
    totals = queries.totals(user, now=NOW)
    assert totals["week"]["activities"] == totals["month"]["activities"] == 3
    assert totals["week"]["distance_m"] == 10_000.0


def test_weekly_chart_counts_each_sessions_hours_once(user, sessions):
    volume = queries.weekly_volume(user, now=NOW)
    assert sum(volume["hours"].values()) == pytest.approx(1 + 2 + 0.5)


def test_feed_lists_each_session_once_led_by_its_canonical_copy(user, sessions):
    rows, _ = queries.activity_page(user, queries.FeedFilters())
    assert [(a.provider, a.provider_activity_id) for a in rows] == [
        ("garmin", "run-garmin"),
        ("garmin", "ride-garmin"),
        ("strava", "swim"),
    ]


def test_feed_filtered_by_provider_lists_that_providers_copies(user, sessions):
    rows, _ = queries.activity_page(user, queries.FeedFilters(provider="strava"))
    assert [a.provider_activity_id for a in rows] == [
        "run-strava",
        "ride-strava",
        "swim",
    ]


def test_split_copy_counts_again_as_its_own_session(user, sessions):
    split_activity(user, Activity.objects.get(provider_activity_id="ride-strava"))
    assert queries.totals(user, now=NOW)["week"]["activities"] == 4


def test_api_list_and_summary_count_each_session_once(client, user, sessions):
    client.force_login(user)
    items = client.get("/api/activities").json()["items"]
    summary = client.get("/api/providers/summary").json()
    assert len(items) == 3
    assert summary["total_activities"] == 3
