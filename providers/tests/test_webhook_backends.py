"""What the backends gained for webhooks: single fetches, Garmin callbacks, Google
Health subscriptions (providers.md §2.7, §3.7, §4.7, §6.7, §7.5)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.backends.base import AccountInfo, Credentials
from providers.errors import ProviderError, ReauthRequiredError
from providers.http import make_session
from providers.registry import get_backend

PAYLOADS = Path(__file__).parent / "payloads"
CREDENTIALS = Credentials(
    access_token="tok-123", refresh_token="ref-456", provider_user_id="hu-5d1e2f"
)
BEARER = matchers.header_matcher({"Authorization": "Bearer tok-123"})
SUBSCRIPTIONS = (
    "https://health.googleapis.com/v4/projects/trainlytics-prod"
    "/subscribers/exercise-hook/subscriptions"
)


def load(name):
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture
def google_subscriber(settings):
    settings.FITBIT_PROJECT_ID = "trainlytics-prod"
    settings.FITBIT_SUBSCRIBER_ID = "exercise-hook"


def test_strava_fetch_activity_reads_the_detailed_activity():
    detail = load("strava_activity_detailed.json")
    http = make_session("strava")
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"https://www.strava.com/api/v3/activities/{detail['id']}",
            json=detail,
            match=[BEARER],
        )
        raw = get_backend("strava").fetch_activity(http, CREDENTIALS, detail["id"])

    assert raw["device_name"] == "Garmin Edge 840"
    assert http.calls == 1


def test_strava_fetch_activity_of_a_lost_grant_asks_for_reconnect():
    with responses.RequestsMock() as rsps:
        rsps.get("https://www.strava.com/api/v3/activities/1", status=401, json={})
        with pytest.raises(ReauthRequiredError):
            get_backend("strava").fetch_activity(make_session(), CREDENTIALS, 1)


def test_polar_fetch_activity_reads_one_exercise():
    exercise = load("polar_exercises.json")[0]
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"https://www.polaraccesslink.com/v3/exercises/{exercise['id']}",
            json=exercise,
            match=[BEARER],
        )
        raw = get_backend("polar").fetch_activity(
            make_session(), CREDENTIALS, exercise["id"]
        )

    assert get_backend("polar").normalize(raw).provider_activity_id == exercise["id"]


def test_wahoo_workout_from_summary_matches_the_listing_shape():
    listed = load("wahoo_workouts.json")[0]
    workout = {k: v for k, v in listed.items() if k != "workout_summary"}
    summary = {**listed["workout_summary"], "workout": workout}
    backend = get_backend("wahoo")

    rebuilt = backend.workout_from_summary(summary)

    assert backend.normalize(rebuilt) == backend.normalize(listed)
    assert backend.workout_from_summary({"id": 1}) is None


def test_wahoo_fetch_activity_reads_one_workout():
    listed = load("wahoo_workouts.json")[0]
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"https://api.wahooligan.com/v1/workouts/{listed['id']}",
            json=listed,
            match=[BEARER],
        )
        raw = get_backend("wahoo").fetch_activity(
            make_session(), CREDENTIALS, listed["id"]
        )

    assert raw["id"] == listed["id"]


def test_garmin_fetch_callback_calls_the_url_as_given():
    url = (
        "https://apis.garmin.com/wellness-api/rest/activities?"
        "uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2&token=pull"
    )
    with responses.RequestsMock() as rsps:
        rsps.get(
            url,
            json=load("garmin_activities.json"),
            match=[
                BEARER,
                matchers.query_param_matcher(
                    {
                        "uploadStartTimeInSeconds": "1",
                        "uploadEndTimeInSeconds": "2",
                        "token": "pull",
                    }
                ),
            ],
        )
        items = get_backend("garmin").fetch_callback(make_session(), CREDENTIALS, url)

    assert items[0]["summaryId"] == "20931245678"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/wellness-api/rest/activities",
        "http://apis.garmin.com/wellness-api/rest/activities",
        "https://apis.garmin.com.evil.example/x",
        "",
    ],
)
def test_garmin_refuses_callbacks_off_its_api_host(url):
    backend = get_backend("garmin")

    assert not backend.is_callback_url(url)
    with responses.RequestsMock(), pytest.raises(ProviderError):
        backend.fetch_callback(make_session(), CREDENTIALS, url)


def test_google_connect_subscribes_the_user_to_exercise(google_subscriber, user):
    account = AccountInfo("hu-5d1e2f", {"healthUserId": "hu-5d1e2f"})
    with responses.RequestsMock() as rsps:
        rsps.post(
            SUBSCRIPTIONS,
            json={"name": f"{SUBSCRIPTIONS}/hu-5d1e2f"},
            match=[
                BEARER,
                matchers.query_param_matcher({"subscriptionId": "hu-5d1e2f"}),
                matchers.json_params_matcher(
                    {"user": "users/hu-5d1e2f", "dataTypes": ["exercise"]}
                ),
            ],
        )
        assert get_backend("fitbit").after_connect(CREDENTIALS, account, user) is None


def test_google_connect_survives_a_refused_subscription(google_subscriber, user):
    account = AccountInfo("hu-5d1e2f", {})
    with responses.RequestsMock() as rsps:
        rsps.post(SUBSCRIPTIONS, status=403, json={"error": {"message": "no"}})
        get_backend("fitbit").after_connect(CREDENTIALS, account, user)


def test_google_connect_without_a_subscriber_makes_no_call(user):
    with responses.RequestsMock():
        get_backend("fitbit").after_connect(CREDENTIALS, AccountInfo("x", {}), user)


def test_google_revoke_deletes_the_subscription_then_revokes(google_subscriber):
    with responses.RequestsMock() as rsps:
        rsps.delete(f"{SUBSCRIPTIONS}/hu-5d1e2f", status=404, match=[BEARER])
        rsps.post(
            "https://oauth2.googleapis.com/revoke",
            match=[matchers.urlencoded_params_matcher({"token": "ref-456"})],
        )
        get_backend("fitbit").revoke(CREDENTIALS)

        assert [c.request.method for c in rsps.calls] == ["DELETE", "POST"]


def test_google_fetch_interval_filters_by_start_and_follows_pages():
    points = load("fitbit_exercises.json")
    url = "https://health.googleapis.com/v4/users/me/dataTypes/exercise/dataPoints"
    filter_ = (
        'exercise.interval.start_time >= "2026-10-24T07:00:00Z" AND '
        'exercise.interval.start_time <= "2026-10-24T09:00:00Z"'
    )
    with responses.RequestsMock() as rsps:
        rsps.get(
            url,
            json={"dataPoints": points[:1], "nextPageToken": "p2"},
            match=[
                BEARER,
                matchers.query_param_matcher({"pageSize": "100", "filter": filter_}),
            ],
        )
        rsps.get(
            url,
            json={"dataPoints": points[1:2]},
            match=[
                matchers.query_param_matcher(
                    {"pageSize": "100", "filter": filter_, "pageToken": "p2"}
                )
            ],
        )
        found = get_backend("fitbit").fetch_interval(
            make_session(),
            CREDENTIALS,
            datetime(2026, 10, 24, 7, tzinfo=UTC),
            datetime(2026, 10, 24, 9, tzinfo=UTC),
        )

    assert [p["name"] for p in found] == [p["name"] for p in points[:2]]
