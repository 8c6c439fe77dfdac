from datetime import UTC, datetime, timedelta

import pytest

from providers.tests.factories import make_connection
from sync.tests.test_dashboard import make_activity


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


def test_activities_follow_the_cursor_to_the_end(api, user):
    connection = make_connection(user, "strava")
    start = datetime(2026, 2, 1, tzinfo=UTC)
    made = [
        make_activity(user, connection, start_time=start + timedelta(hours=i // 3))
        for i in range(12)
    ]
    seen, cursor = [], ""
    while True:
        body = api.get("/api/activities", {"limit": 5, "cursor": cursor}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    newest_first = sorted(made, key=lambda a: (a.start_time, a.pk), reverse=True)
    assert seen == [a.pk for a in newest_first]


def test_activities_apply_the_feeds_filters(api, user):
    strava = make_connection(user, "strava")
    polar = make_connection(user, "polar")
    make_activity(user, strava, sport_type="ride")
    wanted = make_activity(user, polar, sport_type="ride")
    make_activity(user, polar, sport_type="run")
    make_activity(user, polar, sport_type="ride", days_ago=40)
    today = datetime.now(UTC).date()
    body = api.get(
        "/api/activities",
        {
            "provider": "polar",
            "sport": "ride",
            "date_from": (today - timedelta(days=2)).isoformat(),
        },
    ).json()
    assert [item["id"] for item in body["items"]] == [wanted.pk]


def test_activities_list_leaves_out_the_raw_payload(api, user):
    make_activity(user, make_connection(user, "strava"), activity_data={"x": 1})
    [item] = api.get("/api/activities").json()["items"]
    assert "activity_data" not in item


@pytest.mark.parametrize(
    "params",
    [{"cursor": "garbage"}, {"limit": 0}, {"limit": 1000}, {"sport": "quidditch"}],
)
def test_bad_activity_parameters_are_validation_errors(api, params):
    response = api.get("/api/activities", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_activity_detail_includes_the_raw_payload(api, user):
    activity = make_activity(
        user, make_connection(user, "wahoo"), activity_data={"workout_type_id": 0}
    )
    body = api.get(f"/api/activities/{activity.pk}").json()
    assert body["activity_data"] == {"workout_type_id": 0}
    assert body["provider"] == "wahoo"
    assert body["distance_m"] == 10000.0
