import base64
from datetime import UTC, date, datetime, timedelta

import pytest

from providers.tests.factories import make_connection
from sync import queries
from sync.tests.test_dashboard import make_activity

# A Wednesday: the week began on Monday 2026-03-02, the month on 2026-03-01.
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


def at(day, hour=8):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_totals_split_week_and_month_at_local_midnight(user, strava):
    make_activity(user, strava, start_time=at(2, 0), distance_m=1000.0)
    make_activity(user, strava, start_time=at(1, 23), distance_m=2000.0)
    make_activity(user, strava, start_time=datetime(2026, 2, 28, tzinfo=UTC))
    result = queries.totals(user, NOW)
    assert result["week"] == {
        "activities": 1,
        "distance_m": 1000.0,
        "moving_time_s": 3600,
    }
    assert result["month"]["activities"] == 2
    assert result["month"]["distance_m"] == 3000.0


def test_totals_fall_back_to_elapsed_time_when_moving_time_is_missing(user, strava):
    make_activity(user, strava, start_time=at(3), moving_time_s=None, elapsed_time_s=60)
    assert queries.totals(user, NOW)["week"]["moving_time_s"] == 60


def test_weekly_volume_has_twelve_weeks_stacked_by_sport(user, strava):
    make_activity(user, strava, start_time=at(3), sport_type="run")
    make_activity(user, strava, start_time=at(4, 6), sport_type="ride")
    make_activity(user, strava, start_time=at(3) - timedelta(weeks=2))
    make_activity(user, strava, start_time=at(3) - timedelta(weeks=12))
    volume = queries.weekly_volume(user, now=NOW)
    assert len(volume["weeks"]) == 12
    assert volume["weeks"][-1] == date(2026, 3, 2)
    assert volume["sports"] == ["ride", "run"]
    assert volume["hours"] == {
        (date(2026, 3, 2), "run"): 1.0,
        (date(2026, 3, 2), "ride"): 1.0,
        (date(2026, 2, 16), "run"): 1.0,
    }


def test_weekly_chart_scales_the_busiest_week_to_full_height(user, strava):
    make_activity(user, strava, start_time=at(3), moving_time_s=7200)
    make_activity(user, strava, start_time=at(3) - timedelta(weeks=1))
    chart = queries.weekly_chart(queries.weekly_volume(user, now=NOW), height=100)
    assert chart["bars"][-1]["segments"][0]["height"] == 100
    assert chart["bars"][-2]["segments"][0]["height"] == 50
    assert chart["rows"][-1]["total"] == 2.0


def test_cursor_round_trips_and_rejects_garbage(user, strava):
    activity = make_activity(user, strava, start_time=at(3))
    cursor = queries.encode_cursor(activity)
    assert queries.decode_cursor(cursor) == (activity.start_time, activity.pk)
    no_id = base64.urlsafe_b64encode(b"2026-03-03T08:00:00+00:00").decode()
    naive = base64.urlsafe_b64encode(b"2026-03-03T08:00:00|5").decode()
    for bad in ("", "x", "bm90LWEtY3Vyc29y", no_id, naive):
        with pytest.raises(ValueError):
            queries.decode_cursor(bad)


def test_dashboard_cards_cover_every_provider_with_counts(user, strava, other_user):
    make_activity(user, strava)
    make_activity(other_user, make_connection(other_user, "garmin"))
    cards = {card.slug: card for card in queries.dashboard_cards(user)}
    assert list(cards) == ["strava", "garmin", "polar", "coros", "wahoo", "fitbit"]
    assert cards["strava"].activity_count == 1
    assert cards["garmin"].connection is None
