import re

import pytest
from playwright.sync_api import expect

from providers.tests.factories import make_connection, make_user
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.tests.test_dashboard import make_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_sign_up_lands_on_the_dashboard(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("runner@example.com")
    page.get_by_label("Password", exact=True).fill("a long passphrase 42")
    page.get_by_label("Password confirmation").fill("a long passphrase 42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Trainlytics")


def test_log_in_and_see_every_provider(page):
    make_user("athlete@example.com", PASSWORD)
    log_in(page, "athlete@example.com")
    for name in ("Strava", "Garmin", "Polar", "COROS", "Wahoo", "Fitbit"):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def test_toggle_a_connection_off(page):
    user = make_user("athlete@example.com", PASSWORD)
    connection = make_connection(user, "garmin")
    log_in(page, user.email)
    card = page.locator("#card-garmin")
    card.get_by_role("switch").click()
    expect(page.get_by_role("status")).to_contain_text("Garmin sync is off")
    expect(card.get_by_role("switch")).to_have_attribute("aria-checked", "false")
    connection.refresh_from_db()
    assert connection.is_active is False


def test_sync_now_and_watch_a_running_sync_finish(page, fake_strava):
    user = make_user("athlete@example.com", PASSWORD)
    connection = make_connection(user, "strava")
    log_in(page, user.email)
    card = page.locator("#card-strava")
    card.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("status")).to_contain_text("Strava sync started.")
    expect(card).to_contain_text("2 activities")
    expect(card.locator("[data-sync-state]")).to_have_attribute(
        "data-sync-state", "success"
    )
    assert Activity.objects.filter(connection=connection).count() == 2

    # A run the worker is still busy with: the card polls until it ends.
    run = SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.SCHEDULED, status=SyncStatus.RUNNING
    )
    page.reload()
    expect(card.locator("[data-sync-state]")).to_have_attribute(
        "data-sync-state", "running"
    )
    run.status = SyncStatus.FAILED
    run.error_details = {"kind": "transient"}
    run.save()
    expect(card.locator("[data-sync-state]")).to_have_attribute(
        "data-sync-state", "failed", timeout=8_000
    )
    expect(card).to_contain_text("Temporary provider problem; retrying.")
    expect(card.locator("[hx-trigger]")).to_have_count(0)


def test_filter_the_feed_by_provider(page):
    user = make_user("athlete@example.com", PASSWORD)
    make_activity(user, make_connection(user, "strava"), name="Strava ride")
    make_activity(user, make_connection(user, "polar"), name="Polar run")
    log_in(page, user.email)
    page.get_by_role("link", name="Activities").click()
    rows = page.locator("tr.activity")
    expect(rows).to_have_count(2)
    page.get_by_label("Provider").select_option("polar")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"provider=polar"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Polar run")
