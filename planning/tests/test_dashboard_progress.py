from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from providers.tests.factories import make_connection

from .helpers import done, plan
from .page_helpers import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
SATURDAY = datetime(2026, 5, 2, 7, 0, tzinfo=UTC)  # today is Friday 1 May


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def dashboard(client):
    return text(client.get(reverse("sync:dashboard")).content.decode())


def test_the_dashboard_says_how_much_of_this_weeks_plan_is_done(logged_in, user):
    strava = make_connection(user, "strava")
    plan(user, day=date(2026, 5, 2), title="Long", planned_duration_s=3 * 3600)
    plan(user, day=date(2026, 5, 3), title="Steady", planned_duration_s=2 * 3600)
    plan(user, day=date(2026, 5, 3), title="Easy", planned_duration_s=2 * 3600)
    plan(user, day=date(2026, 5, 4), title="Next week", planned_duration_s=3600)
    done(strava, 1, SATURDAY, 3 * 3600)
    done(strava, 2, SATURDAY + timedelta(days=1), 2 * 3600 + 20 * 60)
    assert (
        "This week: 2 of 3 planned sessions done, 5 h 20 of 7 h. Open the calendar"
        in dashboard(logged_in)
    )


def test_the_dashboard_says_when_nothing_is_planned(logged_in, user):
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    assert "Nothing planned this week." in text(html)
    assert '<a href="/calendar/">Open the calendar</a>' in html


def test_a_plan_without_durations_counts_sessions_only(logged_in, user):
    plan(user, day=date(2026, 5, 2), planned_distance_m=10_000)
    assert "This week: 0 of 1 planned session done." in dashboard(logged_in)


def test_the_week_is_the_athletes_own(logged_in, user, other_user):
    plan(other_user, day=date(2026, 5, 2), planned_duration_s=3600)
    assert "Nothing planned this week." in dashboard(logged_in)


def test_every_page_links_to_the_calendar(logged_in):
    html = logged_in.get(reverse("sync:activities")).content.decode()
    assert '<a href="/calendar/">Calendar</a>' in html


def test_the_cached_week_line_follows_a_new_plan_and_a_new_match(logged_in, user):
    strava = make_connection(user, "strava")
    plan(user, day=date(2026, 5, 2), title="Long", planned_duration_s=3600)
    assert "This week: 0 of 1 planned session done" in dashboard(logged_in)
    plan(user, day=date(2026, 5, 3), title="Easy", planned_duration_s=3600)
    assert "This week: 0 of 2 planned sessions done" in dashboard(logged_in)
    done(strava, 1, SATURDAY, 3600)  # written outside a sync run: no new run row
    assert "This week: 1 of 2 planned sessions done" in dashboard(logged_in)
