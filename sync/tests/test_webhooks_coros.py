"""COROS workout push (providers.md §5.6): client/secret headers, sportDataList."""

import json
from pathlib import Path

import pytest
import responses

from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus
from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, activity_ids, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/coros/"
WORKOUTS = json.loads(
    (
        Path(__file__).parents[2] / "providers/tests/payloads/coros_workouts.json"
    ).read_text()
)["data"]
OPEN_ID = "b2c3d4e5f6a7"
GOOD = {"client": "coros-client-id", "secret": "coros-client-secret"}
OK = {"result": "0000", "message": "ok"}


@pytest.fixture
def athlete(user):
    return make_connection(user, "coros", provider_user_id=OPEN_ID)


def push(client, *workouts, headers=None):
    body = {"sportDataList": [{"openId": OPEN_ID, **w} for w in workouts]}
    with responses.RequestsMock():  # pushed data: no provider call may happen
        return deliver(client, URL, body, headers=headers or GOOD)


def test_pushed_workouts_are_stored_and_acknowledged_the_coros_way(client, athlete):
    response = push(client, WORKOUTS[0], WORKOUTS[1])

    assert response.status_code == 200
    assert response.json() == OK
    assert activity_ids("coros") == [WORKOUTS[0]["labelId"], WORKOUTS[1]["labelId"]]
    assert [e.status for e in events("coros")] == [WebhookStatus.PROCESSED] * 2


def test_a_workout_pushed_again_with_new_data_is_updated(client, athlete):
    push(client, WORKOUTS[0])
    push(client, {**WORKOUTS[0], "distance": 10100.0})

    assert Activity.objects.get(provider="coros").distance_m == 10100.0
    assert [r.activities_updated for r in webhook_runs(athlete)] == [0, 1]


def test_the_same_push_twice_is_processed_once(client, athlete):
    push(client, WORKOUTS[0])
    response = push(client, WORKOUTS[0])

    assert response.json() == OK
    assert len(events("coros")) == 1
    assert len(webhook_runs(athlete)) == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"client": "coros-client-id", "secret": "wrong"}, 403),
        ({"client": "someone-else", "secret": "coros-client-secret"}, 403),
        ({"client": "coros-client-id"}, 401),
        ({"secret": "coros-client-secret"}, 401),
    ],
)
def test_wrong_or_missing_credentials_are_refused(client, athlete, headers, status):
    response = push(client, WORKOUTS[0], headers=headers)

    assert response.status_code == status
    assert events("coros") == []
    assert rejection_counts()["coros"] == 1


def test_a_workout_of_an_unknown_user_is_stored_as_ignored(client, athlete):
    body = {"sportDataList": [{**WORKOUTS[0], "openId": "nobody"}]}
    deliver(client, URL, body, headers=GOOD)

    [stored] = events("coros")
    assert stored.status == WebhookStatus.IGNORED
    assert activity_ids("coros") == []


def test_a_malformed_workout_is_counted_as_skipped(client, athlete):
    push(client, {"labelId": "418173292602499999", "mode": 8})

    [run] = webhook_runs(athlete)
    assert (run.status, run.activities_skipped) == ("partial", 1)
    assert activity_ids("coros") == []


def test_the_status_check_answers_ok(client, db):
    assert client.get(URL).json() == OK
