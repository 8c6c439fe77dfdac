"""Issue 15's journey: plan a structured workout, send it to Garmin in the sandbox,
sync, and see it marked done on the calendar.

The day is one on which the sandbox athlete ran with Strava only, so the workout is
missed until Strava is connected and its initial sync brings the run.
"""

import pytest
from playwright.sync_api import expect

from providers.sandbox import data
from providers.sandbox.models import ReceivedWorkout
from providers.sports import SPORT_FAMILIES

from .test_sandbox_journey import connect, demo, log_in_as_demo  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
ATHLETE = data.ATHLETES[0]  # the consent page's first choice


def strava_only_run():
    """The latest Strava run alone on its day, which Garmin recorded nothing of."""
    runs = {str(sport) for sport in SPORT_FAMILIES["run"]}
    for session in reversed(data.visible_sessions(ATHLETE, "strava")):
        day = session.start.date()  # the demo athlete's zone is UTC
        if data.OUR_SPORT[session.sport] in runs and [
            s.provider for s in data.sessions_on(ATHLETE, day)
        ] == ["strava"]:
            return session
    raise LookupError("the sandbox has no day with one Strava run and nothing else")


def plan_intervals(page, day, minutes):
    page.goto(f"/calendar/workouts/new/?date={day.isoformat()}")
    page.get_by_label("Title").fill("Threshold intervals")
    page.get_by_label("Sport").select_option("run")
    page.get_by_label("Planned duration").fill(f"{minutes}min")
    page.get_by_label("Steps, one per line").fill(
        "warmup 10min Z1\n3x 5min Z4 + 2min Z1\ncooldown 5min Z1"
    )
    page.get_by_role("button", name="Plan it").click()
    expect(page.get_by_role("status")).to_contain_text("Planned")
    line = page.locator("li", has_text="Threshold intervals")
    expect(line.locator(".mark")).to_have_text("Missed")  # the day is over
    line.get_by_role("link", name="Threshold intervals").click()
    expect(page.get_by_role("heading", name="Threshold intervals")).to_be_visible()


def test_a_planned_workout_goes_to_garmin_and_is_done_once_strava_syncs(page, demo):  # noqa: F811
    run = strava_only_run()
    week = f"{run.start.isocalendar().year}-W{run.start.isocalendar().week:02d}"
    log_in_as_demo(page)
    connect(page, "Garmin")
    expect(page.get_by_role("status")).to_contain_text("Connected Garmin.")

    plan_intervals(page, run.start.date(), run.moving_s // 60)
    page.get_by_role("button", name="Send to Garmin").click()
    expect(page.get_by_text("Sent", exact=True).first).to_be_visible()
    assert ReceivedWorkout.objects.filter(name="Threshold intervals").exists()

    page.goto("/")
    connect(page, "Strava")
    expect(page.get_by_role("status")).to_contain_text("Connected Strava.")
    page.goto(f"/calendar/?week={week}")
    line = page.locator("li", has_text="Threshold intervals")
    expect(line.locator(".mark")).to_have_text("Done")
