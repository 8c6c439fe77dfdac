"""Every athlete page prints distances, elevations and paces in the athlete's units,
and reading the units costs the dashboard and the feed no query."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import athlete
from analytics import units as athlete_units
from planning import matching
from planning import services as planning
from providers.tests.factories import make_connection, make_user
from sync import display
from sync.models import Activity


def run(user, connection, start=None, **fields):
    values = {
        "provider": connection.provider,
        "provider_activity_id": f"{connection.pk}-{Activity.objects.count() + 1}",
        "sport_type": "run",
        "name": "Morning run",
        "start_time": start or timezone.now(),
        "moving_time_s": 3600,
        "distance_m": 16093.44,
        "elevation_gain_m": 100.0,
    }
    return Activity.objects.create(
        user=user, connection=connection, **(values | fields)
    )


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


def logged_in_as(client, user, units):
    athlete.update_settings(user.pk, units=units)
    client.force_login(user)
    return client


def html_of(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("units", "shown", "not_shown"),
    [
        ("metric", "1 activity · 16.09 km", " mi"),
        ("imperial", "1 activity · 10.00 mi", " km"),
    ],
)
def test_the_dashboard_totals_are_in_the_athletes_units(
    client, user, strava, units, shown, not_shown
):
    run(user, strava)
    html = html_of(logged_in_as(client, user, units), reverse("sync:dashboard"))
    assert shown in html
    totals = html.split('id="totals-heading"')[1].split("</dl>")[0]
    assert not_shown not in totals


def test_changing_units_changes_the_cached_dashboard_at_once(client, user, strava):
    run(user, strava)
    client = logged_in_as(client, user, "metric")
    assert "16.09 km" in html_of(client, reverse("sync:dashboard"))
    athlete.update_settings(user.pk, units="imperial")
    assert "10.00 mi" in html_of(client, reverse("sync:dashboard"))


@pytest.mark.parametrize(
    ("units", "distance", "elevation"),
    [("metric", "16.09 km", "100 m"), ("imperial", "10.00 mi", "328 ft")],
)
def test_the_feed_rows_are_in_the_athletes_units(
    client, user, strava, units, distance, elevation
):
    run(user, strava)
    html = html_of(logged_in_as(client, user, units), reverse("sync:activities"))
    row = html.split('<tr class="activity">')[1].split("</tr>")[0]
    assert f"<td>{distance}</td><td>{elevation}</td>" in row


def test_merge_candidates_on_the_activity_page_are_in_miles(client, user, strava):
    mine = run(user, strava)
    garmin = make_connection(user, "garmin")
    # Far enough apart not to be grouped, near enough to be offered for a merge.
    run(user, garmin, start=mine.start_time + timedelta(hours=2), distance_m=8046.72)
    client = logged_in_as(client, user, "imperial")
    html = html_of(client, reverse("sync:activity", args=[mine.pk]))
    candidates = html.split('class="candidates"')[1]
    assert "5.00 mi" in candidates
    assert " km" not in candidates


@pytest.fixture
def may_first(monkeypatch):
    """Planning believes it is 1 May 2026: the week of 27 April to 3 May."""
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 1))


@pytest.mark.usefixtures("may_first")
@pytest.mark.parametrize(
    ("units", "planned", "done"),
    [("metric", "16.09 km", "8.05 km"), ("imperial", "10.00 mi", "5.00 mi")],
)
def test_the_calendar_lines_and_week_totals_are_in_the_athletes_units(
    client, user, strava, units, planned, done
):
    planning.create_workout(
        user,
        title="Long run",
        sport_type="run",
        scheduled_for=date(2026, 5, 2),
        planned_distance_m=16093.44,
    )
    run(
        user,
        strava,
        start=datetime(2026, 4, 30, 7, tzinfo=UTC),
        distance_m=8046.72,
    )
    client = logged_in_as(client, user, units)
    html = html_of(client, reverse("planning:calendar"), {"week": "2026-W18"})
    assert f"Plan: {planned}" in html
    assert f"Done: 1:00:00 · {done}" in html
    totals = html.split('class="week-totals"')[1].split("</p>")[0]
    assert planned in totals
    assert done in totals


@pytest.mark.parametrize(
    ("units", "planned", "target", "step"),
    [
        (
            "metric",
            "16.09 km",
            "pace 5:00-5:30/km",
            "Interval 1km at pace 4:00-4:10/km",
        ),
        (
            "imperial",
            "10.00 mi",
            "pace 8:03-8:51/mi",
            "Interval 0.62 mi at pace 6:26-6:42/mi",
        ),
    ],
)
def test_the_workout_page_is_in_the_athletes_units(
    client, user, units, planned, target, step
):
    workout = planning.create_workout(
        user,
        title="Tempo",
        sport_type="run",
        scheduled_for=date(2026, 5, 2),
        planned_distance_m=16093.44,
        target={"type": "pace", "min_s_per_km": 300, "max_s_per_km": 330},
        structure={
            "steps": [
                {
                    "kind": "interval",
                    "distance_m": 1000,
                    "target": {
                        "type": "pace",
                        "min_s_per_km": 240,
                        "max_s_per_km": 250,
                    },
                }
            ]
        },
    )
    client = logged_in_as(client, user, units)
    html = html_of(client, reverse("planning:workout", args=[workout.pk]))
    assert f"<dt>Planned</dt><dd>{planned}</dd>" in html
    assert f"<dt>Target</dt><dd>{target}</dd>" in html
    assert f"<li>{step}</li>" in html


# -- reading the units -----------------------------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(db_connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", ["sync:dashboard", "sync:activities"])
def test_an_imperial_athlete_costs_the_page_no_more_queries(client, db, page):
    metric, imperial = make_user(), make_user()
    for person in (metric, imperial):
        run(person, make_connection(person, "strava"))
    athlete.update_settings(imperial.pk, units="imperial")
    athlete.update_settings(metric.pk, units="metric")
    client.force_login(metric)
    metric_queries = queries_of(client, reverse(page))
    client.force_login(imperial)
    imperial_queries = queries_of(client, reverse(page))
    assert len(imperial_queries) == len(metric_queries)
    # The units come from the cache the login filled, not from the settings table.
    assert not [sql for sql in imperial_queries if "athlete_settings" in sql]
    assert "10.00 mi" in html_of(client, reverse(page))


def test_after_login_the_units_come_from_the_cache(user, django_assert_num_queries):
    athlete.update_settings(user.pk, units="imperial")
    athlete_units.warm_on_login(sender=None, user=user)
    fresh = type(user).objects.get(pk=user.pk)  # the next request's user
    with django_assert_num_queries(0):
        assert display.units_of(fresh) == "imperial"


def test_saving_other_settings_keeps_the_cached_units(user, django_assert_num_queries):
    athlete_units.lookup(user.pk)
    athlete.update_settings(user.pk, ftp_w=250)
    with django_assert_num_queries(0):
        assert athlete_units.lookup(user.pk) == "metric"


def test_a_new_units_setting_replaces_the_cached_one(user):
    assert athlete_units.lookup(user.pk) == "metric"
    athlete.update_settings(user.pk, units="imperial")
    assert athlete_units.lookup(user.pk) == "imperial"


def test_anonymous_visitors_and_an_unregistered_lookup_mean_metric(user, monkeypatch):
    assert display.units_of(AnonymousUser()) == "metric"
    monkeypatch.setitem(display._lookup, "units", display._metric)
    athlete.update_settings(user.pk, units="imperial")
    assert display.units_of(type(user).objects.get(pk=user.pk)) == "metric"


@pytest.mark.parametrize(
    ("typed", "units", "metres"),
    [("12.35", "metric", 12_350.0), ("10", "imperial", 16_093.44)],
)
def test_a_typed_distance_is_read_in_decimal_and_back(typed, units, metres):
    assert display.to_metres(typed, units) == metres
    assert display.from_metres(metres, units) == pytest.approx(float(typed))


def test_a_pace_per_mile_is_kept_per_km_and_shown_back_per_mile():
    assert display.pace_to_s_per_km(480, "imperial") == 298
    assert display.format_pace_clock(298, "imperial") == "8:00"
    assert display.format_pace(298, "metric") == "4:58 /km"
