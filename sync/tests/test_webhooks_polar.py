"""Polar webhooks (providers.md §4.7): PING, HMAC signature, EXERCISE events."""

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus, WebhookSubscription
from sync.webhooks.store import rejection_counts

from .webhook_helpers import (
    URLCONF,
    activity_ids,
    deliver,
    events,
    polar_signature,
    webhook_runs,
)

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/polar/"
API = "https://www.polaraccesslink.com/v3"
SECRET = "polar-signing-secret"
EXERCISE = json.loads(
    (
        Path(__file__).parents[2] / "providers/tests/payloads/polar_exercises.json"
    ).read_text()
)[0]
EXERCISE_ID = EXERCISE["id"]


@pytest.fixture(autouse=True)
def subscription(db):
    return WebhookSubscription.objects.create(
        provider="polar",
        external_id="abdf33",
        callback_url="https://x/webhooks/polar/",
        signing_secret=SECRET,
    )


@pytest.fixture
def athlete(user):
    return make_connection(user, "polar", provider_user_id="40000000001")


def exercise_event(user_id=40000000001, timestamp="2026-10-25T08:00:05.000Z"):
    return {
        "event": "EXERCISE",
        "user_id": user_id,
        "entity_id": EXERCISE_ID,
        "timestamp": timestamp,
        "url": f"{API}/exercises/{EXERCISE_ID}",
    }


def signed(client, body, secret=SECRET):
    raw = json.dumps(body).encode()
    return deliver(
        client,
        URL,
        None,
        raw=raw,
        headers={
            "Polar-Webhook-Event": body["event"],
            "Polar-Webhook-Signature": polar_signature(secret, raw),
        },
    )


def expect_exercise(rsps, athlete, body):
    rsps.get(
        f"{API}/exercises/{EXERCISE_ID}",
        json=body,
        match=[
            matchers.header_matcher({"Authorization": f"Bearer {athlete.access_token}"})
        ],
    )


def test_the_unsigned_ping_is_accepted_and_not_stored(client, db):
    ping = {"event": "PING", "timestamp": "2026-10-25T08:00:00.000Z"}

    response = deliver(client, URL, ping, headers={"Polar-Webhook-Event": "PING"})

    assert response.status_code == 200
    assert events("polar") == []


def test_a_signed_exercise_event_fetches_and_stores_the_exercise(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_exercise(rsps, athlete, EXERCISE)
        assert signed(client, exercise_event()).status_code == 200

    assert activity_ids("polar") == [EXERCISE_ID]
    [run] = webhook_runs(athlete)
    assert (run.status, run.activities_created, run.api_calls) == ("success", 1, 1)


def test_a_later_event_for_the_same_exercise_updates_it(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_exercise(rsps, athlete, EXERCISE)
        signed(client, exercise_event())
        expect_exercise(rsps, athlete, {**EXERCISE, "calories": 750})
        signed(client, exercise_event(timestamp="2026-10-25T09:00:00.000Z"))

    assert Activity.objects.get(provider="polar").calories_kcal == 750


def test_a_bad_signature_is_forbidden_and_nothing_is_stored(client, athlete):
    with responses.RequestsMock():
        response = signed(client, exercise_event(), secret="not-the-secret")

    assert response.status_code == 403
    assert events("polar") == []
    assert rejection_counts()["polar"] == 1


def test_a_missing_signature_is_unauthorised(client, athlete):
    response = deliver(client, URL, exercise_event())

    assert response.status_code == 401
    assert events("polar") == []


def test_a_signature_over_other_bytes_is_forbidden(client, athlete):
    raw = json.dumps(exercise_event()).encode()
    other = json.dumps(exercise_event(), indent=1).encode()  # same JSON, other bytes
    response = deliver(
        client,
        URL,
        None,
        raw=raw,
        headers={"Polar-Webhook-Signature": polar_signature(SECRET, other)},
    )

    assert response.status_code == 403


def test_a_duplicate_delivery_is_processed_once(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_exercise(rsps, athlete, EXERCISE)
        signed(client, exercise_event())
        signed(client, exercise_event())
        assert len(rsps.calls) == 1

    assert len(events("polar")) == 1


def test_an_event_for_an_unknown_user_is_stored_as_ignored(client, athlete):
    with responses.RequestsMock():
        signed(client, exercise_event(user_id=123))

    [stored] = events("polar")
    assert stored.status == WebhookStatus.IGNORED
