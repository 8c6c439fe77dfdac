"""GET /api/workouts: a range of days, this week by default."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from planning import matching
from planning.models import WorkoutDelivery
from providers.tests.factories import make_connection

from .api_helpers import assert_error
from .helpers import plan

pytestmark = pytest.mark.django_db

# A Sunday night in UTC, already Monday 4 May in Paris.
NOW = datetime(2026, 5, 3, 23, 30, tzinfo=UTC)


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def now(monkeypatch):
    real_today = matching.today
    monkeypatch.setattr(matching, "today", lambda tz, now=None: real_today(tz, NOW))


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def test_the_range_is_ordered_by_day_then_time_untimed_first_then_id(api, user):
    late = plan(user, date(2026, 5, 5), scheduled_time=time(18))
    untimed = plan(user, date(2026, 5, 5))
    early = plan(user, date(2026, 5, 5), scheduled_time=time(6))
    first_day = plan(user, date(2026, 5, 4), scheduled_time=time(20))
    untimed_too = plan(user, date(2026, 5, 5))
    response = api.get("/api/workouts?from=2026-05-04&to=2026-05-05")
    assert ids(response) == [
        first_day.pk,
        untimed.pk,
        untimed_too.pk,
        early.pk,
        late.pk,
    ]


def test_both_ends_of_the_range_are_included_and_nothing_beyond(api, user):
    plan(user, date(2026, 5, 3))
    inside = [plan(user, date(2026, 5, 4)), plan(user, date(2026, 5, 10))]
    plan(user, date(2026, 5, 11))
    response = api.get("/api/workouts?from=2026-05-04&to=2026-05-10")
    assert ids(response) == [w.pk for w in inside]


def test_other_athletes_workouts_are_not_listed(api, user, other_user):
    mine = plan(user, date(2026, 5, 4))
    plan(other_user, date(2026, 5, 4))
    assert ids(api.get("/api/workouts?from=2026-05-04&to=2026-05-04")) == [mine.pk]


def test_without_a_range_it_is_this_week_in_the_athletes_time_zone(api, user):
    user.time_zone = "Europe/Paris"
    user.save()
    last_week = plan(user, date(2026, 5, 3))
    this_week = [plan(user, date(2026, 5, 4)), plan(user, date(2026, 5, 10))]
    assert ids(api.get("/api/workouts")) == [w.pk for w in this_week]
    user.time_zone = "UTC"
    user.save()
    assert ids(api.get("/api/workouts")) == [last_week.pk]


def test_one_end_alone_means_a_week_from_it(api, user):
    monday, sunday = plan(user, date(2026, 5, 4)), plan(user, date(2026, 5, 10))
    plan(user, date(2026, 5, 11))
    assert ids(api.get("/api/workouts?from=2026-05-04")) == [monday.pk, sunday.pk]
    assert ids(api.get("/api/workouts?to=2026-05-10")) == [monday.pk, sunday.pk]


def test_a_week_from_the_last_day_there_is_does_not_crash(api):
    assert ids(api.get("/api/workouts?from=9999-12-30")) == []
    assert ids(api.get("/api/workouts?to=0001-01-02")) == []


def test_a_whole_leap_year_is_allowed_and_a_day_more_is_refused(api):
    assert ids(api.get("/api/workouts?from=2028-01-01&to=2028-12-31")) == []
    response = api.get("/api/workouts?from=2028-01-01&to=2029-01-01")
    assert "366 days" in assert_error(response, 400, "range_too_long")


def test_to_before_from_is_refused(api):
    response = api.get("/api/workouts?from=2026-05-10&to=2026-05-04")
    assert assert_error(response, 400, "invalid_range") == '"to" is before "from".'


@pytest.mark.parametrize("query", ["from=2026-05-32", "to=yesterday"])
def test_a_date_that_is_not_one_is_a_validation_error(api, query):
    response = api.get(f"/api/workouts?{query}")
    assert query.split("=")[0] in assert_error(response, 400, "validation_error")


def test_the_list_costs_the_same_queries_for_one_workout_or_many(
    api, user, django_assert_num_queries
):
    connection = make_connection(user, "garmin")

    def add_workout(n):
        workout = plan(user, date(2026, 5, 4 + n % 7), title=f"W{n}")
        WorkoutDelivery.objects.create(
            workout=workout, user=user, connection=connection, provider="garmin"
        )

    add_workout(0)
    url = "/api/workouts?from=2026-05-04&to=2026-05-10"
    with CaptureQueriesContext(connections["default"]) as one:
        api.get(url)
    for n in range(1, 12):
        add_workout(n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = api.get(url)
    assert len(response.json()) == 12
    assert all(item["deliveries"] for item in response.json())
