"""Profile and activity endpoints of the sandbox providers: shapes and window rules."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from providers.sandbox import data
from providers.sandbox.fitbit import SCOPE as GOOGLE_SCOPE

from .helpers import bearer, issue

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]
ATHLETE = data.ATHLETES[0]


def get(client, url, slug, scopes=(), **params):
    return client.get(url, params, **bearer(issue(slug, scopes=scopes)))


def test_strava_listing_pages_newest_first_within_after_and_before(client):
    sessions = data.visible_sessions(ATHLETE, "strava")
    after = int(sessions[2].start.timestamp()) - 1
    before = int(sessions[-3].start.timestamp()) + 1
    url = "/sandbox/strava/api/v3/athlete/activities"
    scopes = ["activity:read_all"]
    page1 = get(client, url, "strava", scopes, after=after, before=before, per_page=4)
    page2 = get(
        client, url, "strava", scopes, after=after, before=before, per_page=4, page=2
    )
    starts = [a["start_date"] for a in page1.json() + page2.json()]
    expected = [s.start.strftime("%Y-%m-%dT%H:%M:%SZ") for s in sessions[-3:1:-1]][:8]
    assert starts == expected


def test_strava_refuses_more_than_200_per_page(client):
    url = "/sandbox/strava/api/v3/athlete/activities"
    answer = get(client, url, "strava", ["activity:read"], per_page=201)
    assert answer.status_code == 400


def test_strava_listing_needs_an_activity_scope(client):
    url = "/sandbox/strava/api/v3/athlete/activities"
    assert get(client, url, "strava", ["read"]).status_code == 401


def test_strava_local_start_is_wall_time_wrongly_suffixed_with_z(client):
    url = "/sandbox/strava/api/v3/athlete/activities"
    activity = get(client, url, "strava", ["activity:read"], per_page=1).json()[0]
    start = datetime.fromisoformat(activity["start_date"])
    local = datetime.fromisoformat(activity["start_date_local"])
    assert (local - start).total_seconds() == activity["utc_offset"]


def test_wahoo_lists_newest_first_with_total_and_string_numbers(client):
    url = "/sandbox/wahoo/v1/workouts"
    body = get(client, url, "wahoo", ["workouts_read"], per_page=2).json()
    assert body["total"] == len(data.visible_sessions(ATHLETE, "wahoo"))
    starts = [w["starts"] for w in body["workouts"]]
    assert starts == sorted(starts, reverse=True)
    assert isinstance(body["workouts"][0]["workout_summary"]["distance_accum"], str)


def test_garmin_refuses_upload_windows_longer_than_24_hours(client):
    now = int(datetime.now(UTC).timestamp())
    url = "/sandbox/garmin/wellness-api/rest/activities"
    params = {"uploadStartTimeInSeconds": now - 86401, "uploadEndTimeInSeconds": now}
    assert get(client, url, "garmin", ["ACTIVITY_EXPORT"], **params).status_code == 400


def test_garmin_refuses_milliseconds(client):
    now = int(datetime.now(UTC).timestamp() * 1000)
    url = "/sandbox/garmin/wellness-api/rest/activities"
    params = {
        "uploadStartTimeInSeconds": now - 3_600_000,
        "uploadEndTimeInSeconds": now,
    }
    assert get(client, url, "garmin", ["ACTIVITY_EXPORT"], **params).status_code == 400


def test_garmin_lists_by_upload_time_not_start_time(client):
    session = data.visible_sessions(ATHLETE, "garmin")[-1]
    upload = int(session.uploaded_at.timestamp())
    url = "/sandbox/garmin/wellness-api/rest/activities"
    params = {"uploadStartTimeInSeconds": upload, "uploadEndTimeInSeconds": upload + 1}
    found = get(client, url, "garmin", ["ACTIVITY_EXPORT"], **params).json()
    assert [a["startTimeInSeconds"] for a in found] == [int(session.start.timestamp())]


def test_garmin_backfill_answers_202_then_409_for_the_same_range(client):
    token = issue("garmin", scopes=["ACTIVITY_EXPORT"])
    url = "/sandbox/garmin/wellness-api/rest/backfill/activities"
    params = {
        "summaryStartTimeInSeconds": 1_760_000_000,
        "summaryEndTimeInSeconds": 1_761_000_000,
    }
    assert client.get(url, params, **bearer(token)).status_code == 202
    assert client.get(url, params, **bearer(token)).status_code == 409


def coros_list(client, start, end, open_id=None):
    token = issue("coros")
    params = {
        "token": token,
        "openId": open_id or data.provider_user_id("coros", ATHLETE),
        "startDate": start.strftime("%Y%m%d"),
        "endDate": end.strftime("%Y%m%d"),
    }
    return client.get("/sandbox/coros/v2/coros/sport/list", params).json()


def test_coros_refuses_windows_over_30_days_with_a_result_code(client):
    today = datetime.now(UTC).date()
    body = coros_list(client, today - timedelta(days=30), today)
    assert body["result"] != "0000"
    assert coros_list(client, today - timedelta(days=29), today)["result"] == "0000"


def test_coros_refuses_dates_older_than_three_months(client):
    start = data.three_months_before(datetime.now(UTC).date()) - timedelta(days=1)
    assert coros_list(client, start, start + timedelta(days=5))["result"] != "0000"


def test_coros_workouts_carry_15_minute_time_zone_units(client):
    today = datetime.now(UTC).date()
    workouts = coros_list(client, today - timedelta(days=29), today)["data"]
    sessions = {
        int(s.start.timestamp()): s for s in data.visible_sessions(ATHLETE, "coros")
    }
    for workout in workouts:
        assert workout["startTimezone"] * 900 == sessions[workout["startTime"]].offset_s


def test_coros_refuses_another_users_open_id(client):
    today = datetime.now(UTC).date()
    assert coros_list(client, today, today, open_id="someone")["result"] != "0000"


def test_polar_registration_answers_409_the_second_time(client):
    token = issue("polar")
    body = json.dumps({"member-id": "42"})
    first = client.post(
        "/sandbox/polar/v3/users", body, "application/json", **bearer(token)
    )
    assert first.status_code == 200
    assert first.json()["member-id"] == "42"
    again = client.post(
        "/sandbox/polar/v3/users", body, "application/json", **bearer(token)
    )
    assert again.status_code == 409


def test_polar_exercises_need_registration_and_cover_30_days(client):
    token = issue("polar")
    assert client.get("/sandbox/polar/v3/exercises", **bearer(token)).status_code == 403
    client.post(
        "/sandbox/polar/v3/users",
        {"member-id": "1"},
        "application/json",
        **bearer(token),
    )
    exercises = client.get("/sandbox/polar/v3/exercises", **bearer(token)).json()
    month_ago = datetime.now(UTC) - timedelta(days=30)
    assert exercises
    for exercise in exercises:
        assert datetime.fromisoformat(exercise["upload_time"]) >= month_ago
        assert exercise["duration"].startswith("PT")


def test_polar_deregistration_revokes_the_token(client):
    token = issue("polar")
    client.post(
        "/sandbox/polar/v3/users",
        {"member-id": "1"},
        "application/json",
        **bearer(token),
    )
    user_url = f"/sandbox/polar/v3/users/{data.provider_user_id('polar', ATHLETE)}"
    assert client.get(user_url, **bearer(token)).status_code == 200
    assert client.delete(user_url, **bearer(token)).status_code == 204
    assert client.get(user_url, **bearer(token)).status_code == 401


def test_google_data_points_page_with_tokens_and_millimetres(client):
    url = "/sandbox/fitbit/v4/users/me/dataTypes/exercise/dataPoints"
    token = issue("fitbit", scopes=[GOOGLE_SCOPE])
    seen, params = [], {"pageSize": 3}
    while True:
        body = client.get(url, params, **bearer(token)).json()
        seen += body["dataPoints"]
        if "nextPageToken" not in body:
            break
        params["pageToken"] = body["nextPageToken"]
    sessions = data.visible_sessions(ATHLETE, "fitbit")
    assert len(seen) == len(sessions)
    with_distance = [s for s in sessions if s.distance_m]
    point = next(
        p for p in seen if "distanceMillimeters" in p["exercise"]["metricsSummary"]
    )
    assert int(point["exercise"]["metricsSummary"]["distanceMillimeters"]) == round(
        with_distance[0].distance_m * 1000
    )


def test_google_filter_on_start_time(client):
    sessions = data.visible_sessions(ATHLETE, "fitbit")
    since = sessions[-2].start.strftime("%Y-%m-%dT%H:%M:%SZ")
    url = "/sandbox/fitbit/v4/users/me/dataTypes/exercise/dataPoints"
    body = get(
        client,
        url,
        "fitbit",
        [GOOGLE_SCOPE],
        filter=f'exercise.interval.start_time >= "{since}"',
    ).json()
    assert len(body["dataPoints"]) == 2
    bad = get(client, url, "fitbit", [GOOGLE_SCOPE], filter="steps > 3")
    assert bad.status_code == 400


def test_profile_endpoints_name_the_provider_user(client):
    athlete = data.ATHLETES[0]
    strava = get(client, "/sandbox/strava/api/v3/athlete", "strava").json()
    garmin = get(client, "/sandbox/garmin/wellness-api/rest/user/id", "garmin").json()
    wahoo = get(client, "/sandbox/wahoo/v1/user", "wahoo").json()
    google = get(client, "/sandbox/fitbit/v4/users/me/identity", "fitbit").json()
    assert str(strava["id"]) == data.provider_user_id("strava", athlete)
    assert garmin["userId"] == data.provider_user_id("garmin", athlete)
    assert str(wahoo["id"]) == data.provider_user_id("wahoo", athlete)
    assert google["healthUserId"] == data.provider_user_id("fitbit", athlete)


def test_garmin_deregistration_invalidates_the_token_with_403(client):
    token = issue("garmin", scopes=["ACTIVITY_EXPORT"])
    url = "/sandbox/garmin/wellness-api/rest/user/registration"
    assert client.delete(url, **bearer(token)).status_code == 204
    user_id = client.get("/sandbox/garmin/wellness-api/rest/user/id", **bearer(token))
    assert user_id.status_code == 403
