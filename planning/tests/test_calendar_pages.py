from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import matching
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.models import WorkoutStatus

from .helpers import done, plan
from .page_helpers import flashed, lines, mark_of, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
CALENDAR = reverse("planning:calendar")
MORNING = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)  # Sunday of 2026-W18


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


def page(client, **params):
    response = client.get(CALENDAR, params)
    return response, response.content.decode()


def test_the_calendar_needs_a_login(client, db):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_week_shows_plan_against_what_was_done_with_marks(logged_in, user, strava):
    plan(user, title="Easy hour", planned_duration_s=3600)
    plan(user, title="Long run", planned_duration_s=7200, planned_distance_m=20_000)
    plan(user, day=date(2026, 4, 28), title="Intervals", planned_duration_s=2700)
    done(strava, 1, MORNING, 3500)  # the easy hour, nearly all of it
    done(strava, 2, MORNING + timedelta(hours=6), 2400, distance_m=6000.0)
    done(strava, 3, MORNING - timedelta(days=1), 1800, SportType.RIDE)

    response, html = page(logged_in, week="2026-W18")

    assert response.status_code == 200
    assert mark_of(html, "Easy hour") == "done"
    assert mark_of(html, "Long run") == "partly"  # 40 min of 2 h, 6 of 20 km
    assert mark_of(html, "Intervals") == "missed"  # its day is over, nothing done
    assert mark_of(html, "Ride") == "unplanned"
    easy = next(t for _, t in lines(html) if "Easy hour" in t)
    assert "Plan: 1:00:00" in easy
    assert "Done: 58:20" in easy
    long_run = next(t for _, t in lines(html) if "Long run" in t)
    assert "Plan: 2:00:00 · 20.00 km Done: 40:00 · 6.00 km" in long_run


def test_the_week_totals_set_the_plan_against_every_session(logged_in, user, strava):
    plan(user, title="A", planned_duration_s=3600)
    plan(user, title="B", planned_duration_s=5400)
    done(strava, 1, MORNING, 3600)
    done(strava, 2, MORNING - timedelta(days=2), 1200, SportType.RIDE)
    _, html = page(logged_in, week="2026-W18")
    assert (
        "planned: 2 sessions · 2 h 30; done: 1 of 2 planned, 1 unplanned · 1 h 20"
        in text(html)
    )


def test_copies_of_one_session_from_two_providers_show_once(logged_in, user, strava):
    garmin = make_connection(user, "garmin")
    done(strava, 1, MORNING, 3600, SportType.RIDE)
    done(garmin, 2, MORNING + timedelta(seconds=20), 3610, SportType.RIDE)
    _, html = page(logged_in, week="2026-W18")
    assert [mark for mark, _ in lines(html)] == ["unplanned"]


def test_a_session_counts_on_the_athletes_local_day(logged_in, user, strava):
    user.time_zone = "America/New_York"
    user.save()
    # 01:30 UTC on Monday 4 May is still Sunday 3 May in New York.
    done(strava, 1, datetime(2026, 5, 4, 1, 30, tzinfo=UTC), 1800)
    _, html = page(logged_in, week="2026-W18")
    assert [mark for mark, _ in lines(html)] == ["unplanned"]
    assert lines(html)[0][1] == "Unplanned 21:30 Run Done: 30:00"


def test_a_session_counted_for_another_days_workout_is_not_unplanned(
    logged_in, user, strava
):
    workout = plan(user, day=date(2026, 5, 10), title="Moved long run")
    activity = done(strava, 1, MORNING, 3600)
    from planning import services

    services.link_activity(workout, activity)
    _, html = page(logged_in, week="2026-W18")
    assert mark_of(html, "Run") == "elsewhere"
    assert "Counted for “Moved long run” on Sun 10 May." in text(html)


def test_the_default_week_is_this_week_in_the_athletes_time_zone(
    logged_in, user, monkeypatch
):
    # Sunday 23:30 in London is already Monday in Berlin.
    now = datetime(2026, 5, 3, 22, 30, tzinfo=UTC)
    monkeypatch.setattr(
        matching, "today", lambda tz, now_=None: now.astimezone(tz).date()
    )
    user.time_zone = "Europe/London"
    user.save()
    assert "Week 18 · 27 Apr to 3 May 2026" in page(logged_in)[1]
    user.time_zone = "Europe/Berlin"
    user.save()
    assert "Week 19 · 4 to 10 May 2026" in page(logged_in)[1]


def test_the_week_links_to_the_previous_and_next_weeks_and_the_month(logged_in):
    _, html = page(logged_in, week="2026-W01")
    assert 'href="/calendar/?week=2025-W52" rel="prev"' in html
    assert 'href="/calendar/?week=2026-W02" rel="next"' in html
    assert 'href="/calendar/?view=month&amp;month=2026-01"' in html
    assert 'href="/calendar/workouts/new/?date=2025-12-29"' in html


def test_a_year_with_53_weeks_goes_on_to_week_one_of_the_next(logged_in):
    _, html = page(logged_in, week="2026-W53")
    assert "Week 53 · 28 Dec to 3 Jan 2027" in html
    assert 'href="/calendar/?week=2027-W01" rel="next"' in html


def test_the_month_view_shows_whole_weeks_monday_first(logged_in, user, strava):
    plan(user, title="Race", planned_distance_m=21_097.5)
    response, html = page(logged_in, view="month", month="2026-05")
    assert response.status_code == 200
    assert "<h2>May 2026</h2>" in html
    days = [d for d in html.split('<li class="day') if "<time datetime=" in d]
    assert len(days) == 35  # 27 April to 31 May
    assert '<time datetime="2026-04-27">' in days[0] and "outside" in days[0]
    assert '<time datetime="2026-05-31">' in days[-1]
    assert mark_of(html, "Race") == "planned"
    assert 'href="/calendar/?view=month&amp;month=2026-04" rel="prev"' in html
    assert 'href="/calendar/?view=month&amp;month=2026-06" rel="next"' in html
    assert html.count('class="week-totals"') == 5


def test_the_month_view_defaults_to_this_month(logged_in):
    assert "<h2>May 2026</h2>" in page(logged_in, view="month")[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"week": "2026-W60"}, "2026 has no week 60."),
        ({"week": "2025-W53"}, "2025 has no week 53."),
        ({"week": "next week"}, "“next week” is not a week; write it as 2026-W49."),
        ({"week": "1999-W10"}, "“1999-W10” is outside the years 2000 to 2100."),
        ({"view": "month", "month": "2026-13"}, "months run from 01 to 12"),
        ({"view": "month", "month": "May"}, "write it as 2026-12"),
        ({"view": "year"}, "“year” is not a view; choose week or month."),
    ],
)
def test_a_bad_period_says_what_is_wrong_and_shows_this_week(
    logged_in, params, message
):
    response, html = page(logged_in, **params)
    assert response.status_code == 400
    assert message in html
    assert "Week 18 · 27 Apr to 3 May 2026" in html


def test_the_month_costs_the_same_queries_however_full_it_is(logged_in, user, strava):
    def count():
        with CaptureQueriesContext(db_connection) as captured:
            response = logged_in.get(CALENDAR, {"view": "month", "month": "2026-05"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    plan(user, title="One")
    done(strava, 1, MORNING - timedelta(days=1), 1800, SportType.RIDE)
    few = count()
    for n in range(20):
        day = date(2026, 5, 4) + timedelta(days=n)
        plan(user, day=day, title=f"Plan {n}", planned_duration_s=1800)
        start = datetime.combine(day, MORNING.time(), tzinfo=UTC)
        done(strava, 100 + n, start, 1700 + n)
        done(strava, 200 + n, start + timedelta(hours=9), 900, SportType.RIDE)
    assert count() == few


def test_the_time_zone_form_changes_the_athletes_days(logged_in, user, strava):
    workout = plan(user, title="Sunday run", planned_duration_s=3600)
    # 23:30 UTC on Saturday: Sunday 01:30 in Berlin.
    activity = done(strava, 1, datetime(2026, 5, 2, 23, 30, tzinfo=UTC), 3600)
    workout.refresh_from_db()
    assert workout.completed_activity is None

    response = logged_in.post(
        reverse("planning:time-zone"), {"time_zone": "Europe/Berlin"}
    )

    assert response.status_code == 302
    assert flashed(response) == ["Your days now follow Europe/Berlin."]
    user.refresh_from_db()
    assert user.time_zone == "Europe/Berlin"
    workout.refresh_from_db()
    assert workout.status == WorkoutStatus.COMPLETED
    assert workout.completed_activity_id == activity.pk


def test_the_time_zone_form_refuses_a_name_that_is_no_zone(logged_in, user):
    response = logged_in.post(reverse("planning:time-zone"), {"time_zone": "Mars/Base"})
    assert flashed(response) == ["Choose a time zone from the list."]
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_the_time_zone_select_shows_the_athletes_zone(logged_in, user):
    user.time_zone = "Pacific/Auckland"
    user.save()
    html = page(logged_in)[1]
    assert '<option value="Pacific/Auckland" selected>Pacific/Auckland</option>' in html
    assert '<option value="America/New_York">America/New York</option>' in html


def test_a_workout_of_today_is_planned_and_today_stands_out(logged_in, user):
    plan(user, day=date(2026, 5, 1), title="Today's run")
    _, html = page(logged_in)
    assert mark_of(html, "Today's run") == "planned"
    today = html.split('<li class="day today">')[1].split("</li>")[0]
    assert '<time datetime="2026-05-01">' in today
