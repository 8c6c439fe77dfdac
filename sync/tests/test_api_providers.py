import json

import pytest
import responses
from responses import matchers

from providers.models import ProviderConnection
from providers.tests.factories import make_connection
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.tests.fakes import raw_page
from sync.tests.test_dashboard import make_activity

SECRET_WORDS = ("access_token", "refresh_token", "access-", "refresh-")


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


def assert_no_tokens(response, connection):
    body = response.content.decode()
    assert connection.access_token not in body
    assert connection.refresh_token not in body
    for word in SECRET_WORDS:
        assert word not in body


def test_list_connections_has_no_tokens(api, user):
    connection = make_connection(user, "strava", scopes=["activity:read_all"])
    response = api.get("/api/providers/connections")
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == connection.pk
    assert item["provider_name"] == "Strava"
    assert item["scopes"] == ["activity:read_all"]
    assert_no_tokens(response, connection)


def test_get_connection_by_id_and_by_provider(api, user):
    connection = make_connection(user, "garmin")
    by_id = api.get(f"/api/providers/connections/{connection.pk}")
    by_provider = api.get("/api/providers/connections/provider/garmin")
    assert by_id.json() == by_provider.json()
    assert by_id.json()["provider"] == "garmin"
    assert_no_tokens(by_id, connection)


def test_get_connection_by_provider_not_connected_is_not_found(api):
    response = api.get("/api/providers/connections/provider/polar")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_provider_is_a_validation_error(api):
    response = api.get("/api/providers/connections/provider/myspace")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_toggle_flips_or_sets_is_active(api, user):
    connection = make_connection(user, "wahoo")
    url = f"/api/providers/connections/{connection.pk}/toggle"
    assert api.patch(url).json()["is_active"] is False
    body = json.dumps({"is_active": False})
    response = api.patch(url, body, content_type="application/json")
    assert response.json()["is_active"] is False
    connection.refresh_from_db()
    assert connection.is_active is False


def test_delete_revokes_at_the_provider_and_deletes_the_connection(api, user):
    connection = make_connection(user, "strava")
    with responses.RequestsMock() as mock:
        mock.post(
            "https://www.strava.com/oauth/deauthorize",
            match=[
                matchers.urlencoded_params_matcher(
                    {"access_token": connection.access_token}
                )
            ],
            json={"access_token": connection.access_token},
        )
        response = api.delete(f"/api/providers/connections/{connection.pk}")
    assert response.status_code == 204
    assert not ProviderConnection.objects.filter(pk=connection.pk).exists()


def test_start_sync_returns_202_with_the_new_run(
    api, connection, fake_backend, django_capture_on_commit_callbacks
):
    fake_backend.pages = [raw_page(1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/providers/connections/{connection.pk}/sync")
    assert response.status_code == 202
    run = SyncHistory.objects.get(connection=connection)
    assert response.json()["id"] == run.pk
    assert response.json()["sync_type"] == "manual"
    assert Activity.objects.filter(connection=connection).count() == 2


def test_start_sync_while_one_runs_is_409_with_the_existing_run(api, connection):
    run = SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.SCHEDULED, status=SyncStatus.RUNNING
    )
    response = api.post(f"/api/providers/connections/{connection.pk}/sync")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "sync_in_progress"
    assert response.json()["sync"]["id"] == run.pk
    assert response.json()["sync"]["status"] == "running"


def test_sync_history_is_paginated_newest_first(api, connection):
    runs = [
        SyncHistory.objects.create(
            connection=connection, sync_type=SyncType.SCHEDULED, status="success"
        )
        for _ in range(23)
    ]
    url = f"/api/providers/connections/{connection.pk}/sync-history"
    first = api.get(url).json()
    assert first["count"] == 23
    assert [r["id"] for r in first["items"]] == [r.pk for r in reversed(runs)][:20]
    second = api.get(url, {"page": 2}).json()
    assert len(second["items"]) == 3


def test_sync_status_reports_the_latest_run_and_its_message(api, connection):
    SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.FAILED,
        error_details={"kind": "reauth_required"},
    )
    body = api.get(f"/api/providers/connections/{connection.pk}/sync-status").json()
    assert body["syncing"] is False
    assert body["run"]["status"] == "failed"
    assert body["run"]["error_kind"] == "reauth_required"
    assert body["run"]["message"].startswith("Reconnect Strava")


def test_summary_counts_activities_per_connection(api, user):
    strava = make_connection(user, "strava")
    garmin = make_connection(user, "garmin")
    make_activity(user, strava)
    make_activity(user, garmin)
    make_activity(user, garmin, days_ago=90)
    body = api.get("/api/providers/summary").json()
    assert body["total_activities"] == 3
    counts = {c["provider"]: c["activity_count"] for c in body["connections"]}
    assert counts == {"garmin": 2, "strava": 1}
    assert body["totals"]["week"]["activities"] == 2


def test_available_providers_lists_all_six_with_state(api, user, settings):
    settings.PROVIDERS["coros"]["CLIENT_ID"] = ""
    connection = make_connection(user, "polar")
    body = {p["slug"]: p for p in api.get("/api/providers/available-providers").json()}
    assert list(body) == ["strava", "garmin", "polar", "coros", "wahoo", "fitbit"]
    assert body["coros"]["configured"] is False
    assert body["polar"]["connected"] is True
    assert body["polar"]["connection_id"] == connection.pk


def test_openapi_schema_and_docs_are_served(api):
    schema = api.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/providers/connections/{connection_id}/sync" in paths
    assert "/api/activities" in paths
    assert api.get("/api/docs").status_code == 200
