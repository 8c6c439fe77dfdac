"""Garmin ping and push (providers.md §3.7): summaries, deregistration, permissions."""

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.models import ConnectionStatus
from providers.tests.factories import make_connection
from sync.models import Activity, WebhookStatus
from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, activity_ids, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/garmin/"
PAYLOADS = Path(__file__).parents[2] / "providers/tests/payloads"
SUMMARIES = json.loads((PAYLOADS / "garmin_activities.json").read_text())
RUN = SUMMARIES[0]
USER_ID = RUN["userId"]
CALLBACK = (
    "https://apis.garmin.com/wellness-api/rest/activities?"
    "uploadStartTimeInSeconds=1792888000&uploadEndTimeInSeconds=1792891600"
    "&token=ping-pull-token"
)


@pytest.fixture
def athlete(user):
    return make_connection(
        user, "garmin", provider_user_id=USER_ID, scopes=["ACTIVITY_EXPORT"]
    )


def test_pushed_summaries_are_upserted_without_any_provider_call(client, athlete):
    with responses.RequestsMock():
        response = deliver(client, URL, {"activities": [RUN]})

    assert response.status_code == 200
    stored = Activity.objects.get(provider="garmin")
    assert (stored.provider_activity_id, stored.distance_m) == ("20931245678", 10012.4)
    [run] = webhook_runs(athlete)
    assert (run.activities_created, run.api_calls) == (1, 0)


def test_a_manual_update_of_a_pushed_summary_updates_it(client, athlete):
    deliver(client, URL, {"activities": [RUN]})
    edited = {**RUN, "activityName": "Easy run"}

    deliver(client, URL, {"manuallyUpdatedActivities": [edited]})

    assert Activity.objects.get(provider="garmin").name == "Easy run"
    assert [r.activities_updated for r in webhook_runs(athlete)] == [0, 1]


def test_a_ping_fetches_the_callback_url_exactly_as_given(client, athlete):
    ping = {"activities": [{"userId": USER_ID, "callbackURL": CALLBACK}]}
    with responses.RequestsMock() as rsps:
        rsps.get(
            CALLBACK,
            json=SUMMARIES[:2],
            match=[
                matchers.query_param_matcher(
                    {
                        "uploadStartTimeInSeconds": "1792888000",
                        "uploadEndTimeInSeconds": "1792891600",
                        "token": "ping-pull-token",
                    }
                ),
                matchers.header_matcher(
                    {"Authorization": f"Bearer {athlete.access_token}"}
                ),
            ],
        )
        assert deliver(client, URL, ping).status_code == 200

    assert len(activity_ids("garmin")) == 2


def test_a_ping_pointing_elsewhere_is_forbidden_and_not_stored(client, athlete):
    ping = {
        "activities": [
            {"userId": USER_ID, "callbackURL": "https://evil.example/steal?token=x"}
        ]
    }
    with responses.RequestsMock():
        response = deliver(client, URL, ping)

    assert response.status_code == 403
    assert events("garmin") == []
    assert rejection_counts()["garmin"] == 1


def test_a_redelivered_push_is_processed_once(client, athlete):
    deliver(client, URL, {"activities": [RUN]})
    deliver(client, URL, {"activities": [RUN]})

    assert len(events("garmin")) == 1
    assert len(webhook_runs(athlete)) == 1


def test_a_summary_for_an_unknown_user_is_stored_as_ignored(client, athlete):
    deliver(client, URL, {"activities": [{**RUN, "userId": "someone-else"}]})

    [stored] = events("garmin")
    assert stored.status == WebhookStatus.IGNORED
    assert activity_ids("garmin") == []


def test_deregistration_revokes_wipes_tokens_and_deletes_garmin_activities(
    client, athlete, user
):
    deliver(client, URL, {"activities": [RUN]})
    strava = make_connection(user, "strava")
    Activity.objects.create(
        user=user,
        connection=strava,
        provider="strava",
        provider_activity_id="s-1",
        start_time=Activity.objects.get().start_time,
    )

    deliver(client, URL, {"deregistrations": [{"userId": USER_ID}]})

    athlete.refresh_from_db()
    assert athlete.status == ConnectionStatus.REVOKED
    assert (athlete.access_token, athlete.refresh_token) == ("", "")
    assert activity_ids("garmin") == []
    assert activity_ids("strava") == ["s-1"]
    assert webhook_runs(athlete)[-1].error_details["deleted"] == 1


def test_a_permissions_change_replaces_the_connection_scopes(client, athlete):
    change = {
        "userPermissionsChange": [
            {
                "userId": USER_ID,
                "summaryId": "x-perm-1",
                "permissions": ["HEALTH_EXPORT"],
                "changeTimeInSeconds": 1792888300,
            }
        ]
    }
    deliver(client, URL, change)

    athlete.refresh_from_db()
    assert athlete.scopes == ["HEALTH_EXPORT"]
    assert events("garmin")[0].status == WebhookStatus.PROCESSED


def test_a_push_larger_than_django_upload_limit_is_accepted(client, athlete, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    padded = {**RUN, "notes": "x" * 5000}

    assert deliver(client, URL, {"activities": [padded]}).status_code == 200
    assert activity_ids("garmin") == ["20931245678"]
