"""A newcomer's first minutes, through the real OAuth flow against the sandbox.

The demo athlete connects two providers on the sandbox's consent pages, the initial
syncs fetch from the sandbox over HTTP, and the feed shows activities from both. With
the test task backend, each initial sync runs when the connection is saved.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from sync.models import Activity
from trainlytics.settings import sandbox_provider_conf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]

DEMO_EMAIL = "demo@trainlytics.test"
DEMO_PASSWORD = "trainlytics-demo"


@pytest.fixture
def demo(live_server, settings):
    """The sandbox on, every provider pointed at it, and the demo athlete created."""
    # live_server is http on localhost: allowed with DEBUG, like `make run`.
    settings.DEBUG = True
    settings.PROVIDER_SANDBOX = True
    settings.PROVIDERS = {
        slug: sandbox_provider_conf(slug, live_server.url)
        for slug in settings.PROVIDERS
    }
    call_command("sandbox_demo", stdout=None)


def log_in_as_demo(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def connect(page, name, decision="Approve"):
    # Strava's button is its "Connect with Strava" artwork, named by its alt text.
    label = "Connect with Strava" if name == "Strava" else f"Connect {name}"
    page.get_by_role("button", name=label).click()
    expect(page.get_by_role("heading", name=f"access your {name}")).to_be_visible()
    page.get_by_role("button", name=decision).click()


def test_demo_athlete_connects_two_providers_and_sees_both_in_the_feed(page, demo):
    log_in_as_demo(page)
    for name in ("Strava", "Polar"):
        connect(page, name)
        expect(page.get_by_role("status")).to_contain_text(f"Connected {name}.")
    assert set(Activity.objects.values_list("provider", flat=True)) == {
        "strava",
        "polar",
    }

    page.goto("/activities/")
    expect(page.locator(".badge-strava").first).to_be_visible()
    expect(page.locator(".badge-polar").first).to_be_visible()


def test_denying_consent_explains_that_nothing_was_connected(page, demo):
    log_in_as_demo(page)
    connect(page, "Wahoo", decision="Deny")
    expect(page.get_by_role("status")).to_contain_text(
        "You did not connect Wahoo. Nothing was changed."
    )
    expect(page.get_by_role("button", name="Connect Wahoo")).to_be_visible()
