"""Strava webhooks (providers.md §2.7): handshake, subscription check, events."""

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.models import ConnectionStatus
from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus, WebhookSubscription
from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, activity_ids, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/strava/"
API = "https://www.strava.com/api/v3"
DETAIL = json.loads(
    (
        Path(__file__).parents[2]
        / "providers/tests/payloads/strava_activity_detailed.json"
    ).read_text()
)
ACTIVITY_ID = DETAIL["id"]


@pytest.fixture(autouse=True)
def subscription(db, settings):
    settings.STRAVA_WEBHOOK_VERIFY_TOKEN = "verify-me"
    return WebhookSubscription.objects.create(
        provider="strava",
        external_id="120475",
        callback_url="https://x/webhooks/strava/",
    )


@pytest.fixture
def athlete(user):
    return make_connection(user, "strava", provider_user_id="48213377")


def event(aspect="create", object_type="activity", updates=None, **fields):
    return {
        "aspect_type": aspect,
        "event_time": 1761466800,
        "object_id": ACTIVITY_ID,
        "object_type": object_type,
        "owner_id": 48213377,
        "subscription_id": 120475,
        "updates": updates or {},
        **fields,
    }


def expect_detail(rsps, athlete, body):
    rsps.get(
        f"{API}/activities/{ACTIVITY_ID}",
        json=body,
        match=[
            matchers.header_matcher({"Authorization": f"Bearer {athlete.access_token}"})
        ],
    )


def test_handshake_echoes_the_challenge_for_our_verify_token(client):
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3",
        "hub.verify_token": "verify-me",
    }
    response = client.get(URL, params)

    assert response.status_code == 200
    assert response.json() == {"hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"}


def test_handshake_with_a_wrong_verify_token_is_forbidden_and_counted(client):
    params = {"hub.mode": "subscribe", "hub.challenge": "x", "hub.verify_token": "no"}

    assert client.get(URL, params).status_code == 403
    assert rejection_counts()["strava"] == 1


def test_create_update_delete_fetch_then_remove_the_activity(client, athlete):
    renamed = {**DETAIL, "name": "Gravel loop (renamed)"}
    with responses.RequestsMock() as rsps:
        expect_detail(rsps, athlete, DETAIL)
        assert deliver(client, URL, event("create")).status_code == 200
        expect_detail(rsps, athlete, renamed)
        update = event("update", updates={"title": "Gravel loop (renamed)"})
        assert deliver(client, URL, update).status_code == 200

    assert Activity.objects.get(provider="strava").name == "Gravel loop (renamed)"
    assert deliver(client, URL, event("delete")).status_code == 200
    assert activity_ids("strava") == []
    assert [e.status for e in events("strava")] == [WebhookStatus.PROCESSED] * 3
    runs = webhook_runs(athlete)
    assert [(r.status, r.activities_created, r.activities_updated) for r in runs] == [
        ("success", 1, 0),
        ("success", 0, 1),
        ("success", 0, 0),
    ]
    assert runs[0].api_calls == 1


def test_a_redelivered_event_is_stored_and_processed_once(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_detail(rsps, athlete, DETAIL)
        deliver(client, URL, event("create"))
        response = deliver(client, URL, event("create"))
        assert len(rsps.calls) == 1

    assert response.status_code == 200
    assert len(events("strava")) == 1
    assert len(webhook_runs(athlete)) == 1


def test_an_event_for_another_subscription_is_forbidden_and_not_stored(client, athlete):
    response = deliver(client, URL, event(subscription_id=999))

    assert response.status_code == 403
    assert events("strava") == []
    assert rejection_counts()["strava"] == 1


def test_an_event_without_a_subscription_id_is_forbidden(client, athlete):
    body = event()
    del body["subscription_id"]

    assert deliver(client, URL, body).status_code == 403
    assert events("strava") == []


def test_an_event_for_an_unknown_athlete_is_stored_as_ignored(client, athlete):
    with responses.RequestsMock():  # no provider call may happen
        response = deliver(client, URL, event(owner_id=777))

    assert response.status_code == 200
    [stored] = events("strava")
    assert stored.status == WebhookStatus.IGNORED
    assert stored.connection is None


def test_deauthorization_revokes_wipes_tokens_and_deletes_strava_activities(
    client, athlete, user
):
    with responses.RequestsMock() as rsps:
        expect_detail(rsps, athlete, DETAIL)
        deliver(client, URL, event("create"))
    garmin = make_connection(user, "garmin")
    Activity.objects.create(
        user=user,
        connection=garmin,
        provider="garmin",
        provider_activity_id="g-1",
        start_time=Activity.objects.get().start_time,
    )
    deauth = event("update", "athlete", {"authorized": "false"}, object_id=48213377)

    assert deliver(client, URL, deauth).status_code == 200
    athlete.refresh_from_db()
    assert athlete.status == ConnectionStatus.REVOKED
    assert (athlete.access_token, athlete.refresh_token) == ("", "")
    assert activity_ids("strava") == []
    assert activity_ids("garmin") == ["g-1"]


def test_an_update_for_a_revoked_connection_is_ignored_without_calls(client, athlete):
    athlete.status = ConnectionStatus.REVOKED
    athlete.save()
    with responses.RequestsMock():
        deliver(client, URL, event("update"))

    [stored] = events("strava")
    assert stored.status == WebhookStatus.IGNORED
    assert "revoked" in stored.error
