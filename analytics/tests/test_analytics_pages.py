"""The /analytics/ page: loads per session, the fitness chart and its table,
weekly volume, records; the athlete's own data in a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import athlete
from analytics.models import TrainingLoad
from planning.tests.page_helpers import text

from .load_helpers import load_on, stored

URL = "/analytics/"


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def page(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def recent_session(user, days_ago=1, **fields):
    start = timezone.now() - timedelta(days=days_ago)
    values = {"name": "Tempo run", "avg_hr_bpm": 150.0, "distance_m": 10000.0}
    return stored(user, start, **(values | fields))


def test_the_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_links_to_the_page(logged_in):
    assert f'<a href="{URL}">Analytics</a>' in page(logged_in)


def test_each_session_shows_its_load_and_how_it_was_computed(logged_in, user):
    from analytics.services import recompute_user

    recent_session(user)
    recompute_user(user.pk)
    shown = text(page(logged_in))
    assert "Tempo run Run 10.00 km 100 Heart rate (TRIMP)" in shown


def test_the_page_says_when_heart_rates_are_estimated(logged_in):
    shown = text(page(logged_in))
    assert "a resting heart rate of 60 bpm (a default)" in shown
    assert "a max heart rate of 190 bpm (a default)" in shown


def test_the_page_names_the_athletes_own_heart_rates(logged_in, user):
    athlete.update_settings(user.pk, resting_hr_bpm=48, max_hr_bpm=186)
    assert "Heart-rate loads use" not in page(logged_in)


def test_the_fitness_chart_and_its_table_cover_the_asked_days(logged_in, user):
    load_on(user, date(2026, 3, 1), 100.0)
    html = page(logged_in, **{"from": "2026-03-01", "to": "2026-03-03"})
    assert '<svg class="chart fitness-chart"' in html
    assert "<polyline" in html
    shown = text(html)
    # Newest first; days 1 and 2 of test_fitness's worked example, then a rest day.
    assert (
        "Tue 3 Mar 2026 0 2.2 10.0 -9.2 Mon 2 Mar 2026 0 2.3 11.5 -11.0 "
        "Sun 1 Mar 2026 100 2.4 13.3 0.0"
    ) in shown


def test_the_fitness_window_defaults_to_90_days(logged_in, user):
    load_on(user, timezone.now().date(), 80.0)
    html = page(logged_in)
    assert html.count('<tr><th scope="row"><time') == 90


def test_a_window_over_two_years_falls_back_with_a_message(logged_in, user):
    load_on(user, timezone.now().date(), 80.0)
    html = page(logged_in, **{"from": "2020-01-01", "to": "2026-01-01"})
    assert "Ask for at most 731 days (two years). Showing the last 90 days." in html
    assert html.count('<tr><th scope="row"><time') == 90


def test_weekly_volume_and_records_are_shown(logged_in, user):
    recent_session(user, sport_type="ride", distance_m=80000.0, moving_time_s=9000)
    shown = text(page(logged_in))
    assert "Weekly training volume" in shown
    assert "Cycling 80.00 km on" in shown
    assert "2:30:00 on" in shown


def test_distances_follow_the_athletes_units(logged_in, user):
    athlete.update_settings(user.pk, units="imperial")
    recent_session(user, distance_m=16093.44)
    assert "Running 10.00 mi on" in text(page(logged_in))


def test_another_athletes_sessions_are_not_shown(logged_in, other_user):
    from analytics.services import recompute_user

    recent_session(other_user, name="Not mine")
    recompute_user(other_user.pk)
    html = page(logged_in)
    assert "Not mine" not in html
    assert "No session has a load yet." in html


def count_queries(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured.captured_queries)


# Reopened, the page is cached whole (session, user, settings) and the API's rows
# (session, user, the loads' version). The page's 12th query asks whether any session
# came from Strava (its logo).
@pytest.mark.parametrize(
    ("url", "most", "reopened"), [(URL, 12, 3), ("/api/analytics/fitness", 5, 3)]
)
def test_the_page_and_the_api_take_the_same_queries_for_1_or_122_sessions(
    client, user, other_user, url, most, reopened, django_assert_max_num_queries
):
    from analytics.services import recompute_user

    first = datetime(2025, 3, 1, 7, tzinfo=UTC)
    stored(other_user, first, avg_hr_bpm=140.0, distance_m=5000.0)
    for day in range(0, 365, 3):
        sport = ("run", "ride", "swim")[day % 3]
        stored(user, first + timedelta(days=day), avg_hr_bpm=140.0, sport_type=sport)
    recompute_user(user.pk)
    recompute_user(other_user.pk)
    assert TrainingLoad.objects.filter(user=user).count() == 122
    window = {"from": "2025-03-01", "to": "2026-02-28"}
    client.force_login(other_user)
    few = count_queries(client, url, window)
    client.force_login(user)
    with django_assert_max_num_queries(most):
        many = count_queries(client, url, window)
    assert many == few
    assert count_queries(client, url, window) == reopened


def test_a_reopened_page_shows_what_changed_since(
    logged_in, user, django_capture_on_commit_callbacks
):
    from providers.tests.factories import make_connection

    from .load_helpers import session

    assert "No session has a load yet." in page(logged_in)
    strava = make_connection(user, "strava")
    start = timezone.now() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        new = session(strava, start, avg_hr_bpm=150.0, name="Fresh run")
    assert "Fresh run" in page(logged_in)
    with django_capture_on_commit_callbacks(execute=True):
        new.delete()
    assert "Fresh run" not in page(logged_in)
    with django_capture_on_commit_callbacks(execute=True):
        athlete.update_settings(user.pk, max_hr_bpm=200)
    assert "and your max heart rate of 200 bpm" in text(page(logged_in))


def test_a_change_is_not_cached_before_its_transaction_commits(logged_in, user):
    from analytics.cache import version

    before = version(user.pk)
    # The test's transaction never commits: the version must not move yet.
    athlete.update_settings(user.pk, max_hr_bpm=200)
    assert version(user.pk) == before
