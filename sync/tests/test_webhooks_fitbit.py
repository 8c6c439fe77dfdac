"""Google Health (Fitbit) notifications (providers.md §7.5): bearer secret,
verification requests, exercise UPSERT and DELETE."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus
from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, activity_ids, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/fitbit/"
LIST = "https://health.googleapis.com/v4/users/me/dataTypes/exercise/dataPoints"
POINTS = json.loads(
    (
        Path(__file__).parents[2] / "providers/tests/payloads/fitbit_exercises.json"
    ).read_text()
)
RUN = POINTS[0]
BEARER = {"Authorization": "Bearer google-hook-secret"}
INTERVAL = {"startTime": "2026-10-24T07:00:00Z", "endTime": "2026-10-24T07:52:30Z"}
FILTER = (
    'exercise.interval.start_time >= "2026-10-24T07:00:00Z" AND '
    'exercise.interval.start_time <= "2026-10-24T07:52:30Z"'
)


@pytest.fixture(autouse=True)
def secret(settings):
    settings.FITBIT_WEBHOOK_SECRET = "google-hook-secret"


@pytest.fixture
def athlete(user):
    return make_connection(user, "fitbit", provider_user_id="hu-5d1e2f")


def notification(operation="UPSERT", user="hu-5d1e2f", data_type="exercise"):
    return [
        {
            "data": {
                "healthUserId": user,
                "dataType": data_type,
                "operation": operation,
                "intervals": [INTERVAL],
            }
        }
    ]


def expect_listing(rsps, athlete, points):
    rsps.get(
        LIST,
        json={"dataPoints": points},
        match=[
            matchers.query_param_matcher({"pageSize": "100", "filter": FILTER}),
            matchers.header_matcher(
                {"Authorization": f"Bearer {athlete.access_token}"}
            ),
        ],
    )


def test_verification_with_the_secret_is_created_and_without_it_unauthorized(
    client, db
):
    verification = {"type": "verification"}

    # subscribers.create expects 201 for the request with the secret, 401/403 without.
    assert deliver(client, URL, verification, headers=BEARER).status_code == 201
    assert deliver(client, URL, verification).status_code == 401
    assert events("fitbit") == []


def test_a_missing_bearer_secret_is_unauthorized_and_counted(client, athlete):
    assert deliver(client, URL, notification()).status_code == 401
    assert events("fitbit") == []
    assert rejection_counts()["fitbit"] == 1


def test_another_authorization_scheme_is_forbidden(client, athlete):
    basic = {"Authorization": "Basic google-hook-secret"}

    assert deliver(client, URL, notification(), headers=basic).status_code == 403
    assert events("fitbit") == []


def test_an_unset_secret_refuses_even_an_empty_bearer(client, athlete, settings):
    settings.FITBIT_WEBHOOK_SECRET = ""

    assert deliver(client, URL, notification(), headers=BEARER).status_code == 403
    assert events("fitbit") == []


def test_a_wrong_bearer_secret_is_forbidden_and_counted(client, athlete):
    wrong = {"Authorization": "Bearer guessed"}

    assert deliver(client, URL, notification(), headers=wrong).status_code == 403
    assert events("fitbit") == []
    assert rejection_counts()["fitbit"] == 1


def test_upsert_lists_the_interval_and_stores_its_exercise(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_listing(rsps, athlete, [RUN])
        # The guide asks for 204 No Content on a notification.
        assert deliver(client, URL, notification(), headers=BEARER).status_code == 204

    assert activity_ids("fitbit") == [RUN["name"]]
    [run] = webhook_runs(athlete)
    assert (run.activities_created, run.api_calls) == (1, 1)


def at_minute(monkeypatch, minute):
    when = datetime(2026, 10, 24, 8, minute, tzinfo=UTC)
    monkeypatch.setattr("sync.webhooks.views.timezone.now", lambda: when)


def test_upsert_then_update_then_delete(client, athlete, monkeypatch):
    edited = {**RUN, "exercise": {**RUN["exercise"], "displayName": "Tempo run"}}
    with responses.RequestsMock() as rsps:
        at_minute(monkeypatch, 0)
        expect_listing(rsps, athlete, [RUN])
        deliver(client, URL, notification(), headers=BEARER)
        # The edit's notification is the same bytes, sent later.
        at_minute(monkeypatch, 20)
        expect_listing(rsps, athlete, [edited])
        deliver(client, URL, notification(), headers=BEARER)
        assert Activity.objects.get(provider="fitbit").name == "Tempo run"
        expect_listing(rsps, athlete, [])
        deliver(client, URL, notification("DELETE"), headers=BEARER)

    assert activity_ids("fitbit") == []
    assert [e.status for e in events("fitbit")] == [WebhookStatus.PROCESSED] * 3


def test_delete_keeps_exercises_google_still_lists(client, athlete):
    with responses.RequestsMock() as rsps:
        expect_listing(rsps, athlete, [RUN])
        deliver(client, URL, notification(), headers=BEARER)
        expect_listing(rsps, athlete, [RUN])
        deliver(client, URL, notification("DELETE"), headers=BEARER)

    assert activity_ids("fitbit") == [RUN["name"]]


def test_a_quickly_repeated_notification_is_processed_once(
    client, athlete, monkeypatch
):
    with responses.RequestsMock() as rsps:
        expect_listing(rsps, athlete, [RUN])
        at_minute(monkeypatch, 1)
        deliver(client, URL, notification(), headers=BEARER)
        at_minute(monkeypatch, 8)
        deliver(client, URL, notification(), headers=BEARER)
        assert len(rsps.calls) == 1

    assert len(events("fitbit")) == 1


def test_a_notification_for_an_unknown_user_is_stored_as_ignored(client, athlete):
    with responses.RequestsMock():
        deliver(client, URL, notification(user="hu-unknown"), headers=BEARER)

    [stored] = events("fitbit")
    assert stored.status == WebhookStatus.IGNORED


def test_other_data_types_are_ignored_without_calls(client, athlete):
    with responses.RequestsMock():
        deliver(client, URL, notification(data_type="sleep"), headers=BEARER)

    [stored] = events("fitbit")
    assert stored.status == WebhookStatus.IGNORED
    assert webhook_runs(athlete) == []
