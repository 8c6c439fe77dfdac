"""Issue 16's journey: in the sandbox demo, an activity's page shows its route on a
map and its heart-rate chart, fetched from the provider when the page is opened."""

import pytest
from playwright.sync_api import expect

from sync.models import Activity

from .test_sandbox_journey import connect, demo, log_in_as_demo  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]


def stay_on_this_machine(page, live_server):
    """Map tiles would come from OpenStreetMap: the test reaches nothing outside."""
    page.context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else route.abort()
        ),
    )


def test_an_activity_shows_its_route_and_heart_rate_chart(page, demo, live_server):  # noqa: F811
    stay_on_this_machine(page, live_server)
    log_in_as_demo(page)
    connect(page, "Strava")
    expect(page.get_by_role("status")).to_contain_text("Connected Strava.")
    run = (
        Activity.objects.filter(provider="strava", avg_hr_bpm__isnull=False)
        .exclude(distance_m=None)
        .order_by("-start_time")
        .first()
    )

    page.goto(f"/activities/{run.pk}/")

    block = page.locator("section.streams")
    expect(block.get_by_role("heading", name="Detailed data")).to_be_visible()
    expect(block.locator("svg[data-chart]").first).to_be_visible(timeout=15_000)
    expect(block.get_by_role("img", name="Heart rate", exact=False)).to_be_visible()
    # Leaflet drew the route; with no tiles reachable the outline shows it too.
    expect(block.locator(".leaflet-container")).to_be_attached()
    expect(block.locator("path.leaflet-interactive")).to_be_attached()
