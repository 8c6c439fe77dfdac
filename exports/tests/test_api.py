"""GET /api/account/export (start) and /api/account/export/{id} (status, link)."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from exports.models import AccountExport, ExportStatus

from .helpers import build

pytestmark = pytest.mark.django_db

START = "/api/account/export"


def status_url(export_id):
    return f"/api/account/export/{export_id}"


def test_starting_needs_a_login(client):
    response = client.get(START)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not AccountExport.objects.exists()


def test_get_starts_an_export_and_says_where_to_follow_it(client, user):
    client.force_login(user)

    response = client.get(START)

    assert response.status_code == 202
    body = response.json()
    export = AccountExport.objects.get(user=user)
    assert body == {
        "id": str(export.pk),
        "status": "pending",
        "progress": 0,
        "step": "",
        "created_at": body["created_at"],
        "finished_at": None,
        "expires_at": None,
        "size_bytes": None,
        "download_url": None,
        "error_code": None,
    }


def test_starting_again_returns_the_export_in_progress(client, user):
    client.force_login(user)
    first = client.get(START).json()

    again = client.get(START)

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


def test_a_ready_export_has_its_download_link(
    client, user, django_capture_on_commit_callbacks
):
    export = build(user, django_capture_on_commit_callbacks)
    client.force_login(user)

    body = client.get(status_url(export.pk)).json()

    assert body["status"] == "ready"
    assert body["progress"] == 100
    assert body["size_bytes"] == export.size_bytes
    assert (
        body["download_url"]
        == f"http://testserver/account/export/{export.pk}/download/"
    )
    assert client.get(body["download_url"]).status_code == 200


def test_the_link_is_gone_after_24_hours(
    client, user, django_capture_on_commit_callbacks, monkeypatch
):
    export = build(user, django_capture_on_commit_callbacks)
    client.force_login(user)
    later = export.finished_at + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    body = client.get(status_url(export.pk)).json()

    assert body["status"] == "ready"  # until the scheduled pass deletes it
    assert body["download_url"] is None


def test_a_failed_export_has_a_stable_error_code(client, user):
    export = AccountExport.objects.create(
        user=user, status=ExportStatus.FAILED, error="boom"
    )
    client.force_login(user)

    body = client.get(status_url(export.pk)).json()

    assert body["status"] == "failed"
    assert body["error_code"] == "export_failed"
    assert "boom" not in str(body)


@pytest.mark.parametrize("whose", ["someone else's", "nobody's"])
def test_an_id_that_is_not_yours_is_not_found(
    client, user, other_user, django_capture_on_commit_callbacks, whose
):
    if whose == "nobody's":
        export_id = uuid4()
    else:
        export_id = build(other_user, django_capture_on_commit_callbacks).pk
    client.force_login(user)

    response = client.get(status_url(export_id))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "download" not in response.content.decode()


def test_a_malformed_id_is_not_found_in_the_api_shape(client, user):
    client.force_login(user)

    response = client.get(status_url("123"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_routes_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert "/api/account/export" in paths
    assert "/api/account/export/{export_id}" in paths
