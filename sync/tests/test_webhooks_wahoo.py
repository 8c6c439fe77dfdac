"""Wahoo workout_summary webhooks (providers.md §6.7): webhook_token, summaries."""

import json
from pathlib import Path

import pytest
import responses

from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus
from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/wahoo/"
WORKOUT = json.loads(
    (
        Path(__file__).parents[2] / "providers/tests/payloads/wahoo_workouts.json"
    ).read_text()
)[0]


@pytest.fixture(autouse=True)
def token(settings):
    settings.WAHOO_WEBHOOK_TOKEN = "wahoo-hook-token"


@pytest.fixture
def athlete(user):
    return make_connection(user, "wahoo", provider_user_id="60462")


def summary_event(user_id=60462, token="wahoo-hook-token", **summary_changes):
    workout = {k: v for k, v in WORKOUT.items() if k != "workout_summary"}
    summary = {**WORKOUT["workout_summary"], **summary_changes, "workout": workout}
    body = {"event_type": "workout_summary", "user": {"id": user_id}}
    if token is not None:
        body["webhook_token"] = token
    return {**body, "workout_summary": summary}


def send(client, body):
    with responses.RequestsMock():  # the summary is inline: no provider call
        return deliver(client, URL, body)


def test_a_workout_summary_is_stored_from_the_event_alone(client, athlete):
    assert send(client, summary_event()).status_code == 200

    stored = Activity.objects.get(provider="wahoo")
    assert stored.provider_activity_id == str(WORKOUT["id"])
    assert (stored.distance_m, stored.moving_time_s) == (25750.0, 7200)


def test_the_stored_event_does_not_keep_the_webhook_token(client, athlete):
    send(client, summary_event())

    [stored] = events("wahoo")
    assert "webhook_token" not in stored.payload
    assert "wahoo-hook-token" not in json.dumps(stored.payload)


def test_an_updated_summary_updates_the_workout(client, athlete):
    send(client, summary_event())
    send(client, summary_event(distance_accum="26000.0", updated_at="2026-10-25T13Z"))

    assert Activity.objects.get(provider="wahoo").distance_m == 26000.0
    assert [r.activities_updated for r in webhook_runs(athlete)] == [0, 1]


def test_a_redelivered_summary_is_processed_once(client, athlete):
    send(client, summary_event())
    send(client, summary_event())

    assert len(events("wahoo")) == 1


@pytest.mark.parametrize(("token", "status"), [("wrong", 403), (None, 401)])
def test_a_wrong_or_missing_token_is_refused(client, athlete, token, status):
    assert send(client, summary_event(token=token)).status_code == status
    assert events("wahoo") == []
    assert rejection_counts()["wahoo"] == 1


def test_an_unset_token_setting_refuses_every_event(client, athlete, settings):
    settings.WAHOO_WEBHOOK_TOKEN = ""

    assert send(client, summary_event(token="")).status_code == 401
    assert send(client, summary_event(token="anything")).status_code == 403


def test_a_summary_of_an_unknown_user_is_stored_as_ignored(client, athlete):
    send(client, summary_event(user_id=1))

    [stored] = events("wahoo")
    assert stored.status == WebhookStatus.IGNORED


def test_staff_see_rejections_per_provider_and_athletes_do_not(client, athlete, user):
    send(client, summary_event(token="forged"))
    send(client, summary_event(token="forged again"))
    client.force_login(user)

    assert client.get("/webhooks/rejections/").status_code == 302
    user.is_staff = True
    user.save()
    counts = client.get("/webhooks/rejections/").json()
    assert counts["wahoo"] == 2
    assert counts["strava"] == 0
