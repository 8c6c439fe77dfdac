"""Every error under /api/ has the JSON error shape; pages outside it keep HTML."""

import json
import logging

import pytest
from django.test import Client

from providers.tests.factories import make_connection

SECRET = "db password is hunter2"


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def quiet_client(user):
    """A logged-in client that answers a crash with the 500 response, like a server."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]


def boom(*args, **kwargs):
    raise RuntimeError(SECRET)


@pytest.mark.parametrize(
    "path",
    [
        "/api/providers/connections/not-a-number",
        "/api/providers/connections/-1",
        "/api/providers/connections/1.5/sync-status",
        "/api/activities/abc",
        "/api/nope",
        "/api/",
        "/api/providers/connections/",
        "/api/providers/summary/",
    ],
)
def test_unmatched_api_paths_answer_json_not_found(api, path):
    assert_error(api.get(path), 404, "not_found")


def test_api_root_without_its_slash_redirects_to_the_json_not_found(api):
    response = api.get("/api", follow=True)
    assert response.redirect_chain == [("/api/", 301)]
    assert_error(response, 404, "not_found")


def test_unmatched_api_path_is_not_found_for_anonymous_users_too(client, db):
    assert_error(
        client.get("/api/providers/connections/not-a-number"), 404, "not_found"
    )


def test_an_id_too_large_for_the_database_is_not_found(api):
    response = api.get("/api/providers/connections/99999999999999999999999")
    assert_error(response, 404, "not_found")


def test_a_trailing_slash_on_a_real_route_is_not_found(api, user):
    connection = make_connection(user, "strava")
    response = api.get(f"/api/providers/connections/{connection.pk}/")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/providers/connections", {"GET"}),
        ("post", "/api/activities", {"GET"}),
        ("get", "/api/providers/connections/1/sync", {"POST"}),
        ("options", "/api/providers/connections/1", {"GET", "DELETE"}),
    ],
)
def test_wrong_methods_answer_json_method_not_allowed(api, method, path, allowed):
    message = assert_error(getattr(api, method)(path), 405, "method_not_allowed")
    response = getattr(api, method)(path)
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    assert method.upper() in message


def test_head_on_a_get_route_is_a_json_method_not_allowed(api):
    response = api.head("/api/providers/connections")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET"


def test_wrong_method_is_checked_before_authentication(client, db):
    response = client.put("/api/providers/connections")
    assert_error(response, 405, "method_not_allowed")


def test_malformed_json_body_is_a_validation_error(api, user):
    connection = make_connection(user, "strava")
    response = api.patch(
        f"/api/providers/connections/{connection.pk}/toggle",
        "{not json",
        content_type="application/json",
    )
    assert_error(response, 400, "validation_error")
    connection.refresh_from_db()
    assert connection.is_active is True


def test_body_of_the_wrong_type_is_a_validation_error(api, user):
    connection = make_connection(user, "strava")
    response = api.patch(
        f"/api/providers/connections/{connection.pk}/toggle",
        json.dumps({"is_active": "perhaps"}),
        content_type="application/json",
    )
    message = assert_error(response, 400, "validation_error")
    assert "is_active" in message


def test_a_body_over_the_upload_limit_is_a_bad_request_not_a_crash(
    api, user, settings, caplog
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    connection = make_connection(user, "strava")
    response = api.patch(
        f"/api/providers/connections/{connection.pk}/toggle",
        json.dumps({"is_active": False, "padding": "x" * 200}),
        content_type="application/json",
    )
    assert_error(response, 400, "bad_request")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_bad_request_django_rejects_before_the_api_is_json(client, db):
    response = client.get("/api/providers/connections", HTTP_HOST="evil.example")
    assert_error(response, 400, "bad_request")


def test_permission_denied_in_a_view_is_a_json_403(api, monkeypatch):
    from django.core.exceptions import PermissionDenied

    def deny(*args, **kwargs):
        raise PermissionDenied("Staff only.")

    monkeypatch.setattr("providers.services.get_user_connections", deny)
    response = api.get("/api/providers/connections")
    assert assert_error(response, 403, "permission_denied") == "Staff only."


def test_csrf_failure_keeps_its_own_code(client, user):
    connection = make_connection(user, "strava")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    response = client.patch(f"/api/providers/connections/{connection.pk}/toggle")
    assert_error(response, 403, "csrf_failed")


def test_exception_in_a_view_is_a_json_500_without_internals(api, monkeypatch, caplog):
    monkeypatch.setattr("providers.services.get_user_connections", boom)
    response = api.get("/api/providers/connections")
    message = assert_error(response, 500, "internal_error")
    body = response.content.decode()
    for leak in ("hunter2", "RuntimeError", "Traceback", "providers/"):
        assert leak not in body
    assert "went wrong" in message
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.levelno == logging.ERROR
    assert record.exc_info[1].args == (SECRET,)


def test_exception_outside_the_view_is_a_json_500_and_logged(
    quiet_client, monkeypatch, caplog
):
    from trainlytics.api import api

    [throttle] = api.throttle
    monkeypatch.setattr(throttle, "allow_request", boom)
    response = quiet_client.get("/api/providers/connections")
    assert_error(response, 500, "internal_error")
    assert "hunter2" not in response.content.decode()
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.levelno == logging.ERROR
    assert record.exc_info[1].args == (SECRET,)


def test_api_errors_are_json_with_debug_on(api, settings):
    settings.DEBUG = True
    assert_error(api.get("/api/nope"), 404, "not_found")
    assert_error(api.put("/api/providers/connections"), 405, "method_not_allowed")


def test_error_response_keeps_headers_set_on_the_way_out(api):
    response = api.get("/api/nope")
    assert response["X-Frame-Options"] == "DENY"
    assert int(response["Content-Length"]) == len(response.content)


def test_pages_outside_the_api_keep_the_html_404(api):
    for path in ("/activities/xyz/", "/activities/xyz", "/apis/nope", "/no/such/page/"):
        response = api.get(path, follow=True)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "Page not found" in response.content.decode()


def test_pages_outside_the_api_keep_the_html_500(quiet_client, monkeypatch):
    monkeypatch.setattr("sync.queries.user_connections", boom)
    response = quiet_client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong on our side" in response.content.decode()


def test_openapi_schema_and_docs_still_work(client, db):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/providers/connections/{connection_id}" in schema.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert docs["Content-Type"].startswith("text/html")


def test_a_status_outside_the_standard_list_still_gets_a_message():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from trainlytics.errors import message_for

    request = RequestFactory().get("/api/x")
    assert message_for(request, HttpResponse(status=499)) == "The request failed."
