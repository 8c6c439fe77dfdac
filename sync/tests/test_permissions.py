"""Every route: someone else's ids are 404, anonymous is a login redirect or a 401."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.models import SyncHistory, SyncType
from sync.tests.test_dashboard import make_activity

PAGE_ROUTES = [
    ("get", "sync:card-status", "connection"),
    ("get", "sync:history", "connection"),
    ("post", "sync:toggle", "connection"),
    ("post", "sync:sync-now", "connection"),
    ("get", "sync:activity", "activity"),
]
API_ROUTES = [
    ("get", "/api/providers/connections/{connection}"),
    ("delete", "/api/providers/connections/{connection}"),
    ("patch", "/api/providers/connections/{connection}/toggle"),
    ("post", "/api/providers/connections/{connection}/sync"),
    ("get", "/api/providers/connections/{connection}/sync-history"),
    ("get", "/api/providers/connections/{connection}/sync-status"),
    ("get", "/api/activities/{activity}"),
]
ANONYMOUS_API_ROUTES = [
    *API_ROUTES,
    ("get", "/api/providers/connections"),
    ("get", "/api/providers/connections/provider/strava"),
    ("get", "/api/providers/summary"),
    ("get", "/api/providers/available-providers"),
    ("get", "/api/activities"),
]


@pytest.fixture
def theirs(other_user):
    """user A's objects, requested by `user` (B) in these tests."""
    connection = make_connection(other_user, "strava")
    SyncHistory.objects.create(connection=connection, sync_type=SyncType.MANUAL)
    activity = make_activity(other_user, connection)
    return {"connection": connection.pk, "activity": activity.pk}


@pytest.mark.parametrize(("method", "name", "kind"), PAGE_ROUTES)
def test_pages_hide_other_users_objects(client, user, theirs, method, name, kind):
    client.force_login(user)
    response = getattr(client, method)(reverse(name, args=[theirs[kind]]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(("method", "name", "kind"), PAGE_ROUTES)
def test_pages_send_anonymous_users_to_log_in(client, theirs, method, name, kind):
    response = getattr(client, method)(reverse(name, args=[theirs[kind]]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["sync:dashboard", "sync:activities"])
def test_list_pages_send_anonymous_users_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_api_hides_other_users_objects(client, user, theirs, method, path):
    client.force_login(user)
    response = getattr(client, method)(path.format(**theirs))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert SyncHistory.objects.count() == 1


@pytest.mark.parametrize(("method", "path"), ANONYMOUS_API_ROUTES)
def test_api_answers_anonymous_requests_with_401(client, theirs, method, path):
    response = getattr(client, method)(path.format(**theirs))
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Log in to use the API."}
    }


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_api_writes_need_the_csrf_token(client, user, method):
    connection = make_connection(user, "strava")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    paths = {
        "post": f"/api/providers/connections/{connection.pk}/sync",
        "patch": f"/api/providers/connections/{connection.pk}/toggle",
        "delete": f"/api/providers/connections/{connection.pk}",
    }
    response = getattr(client, method)(paths[method])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    connection.refresh_from_db()
    assert connection.is_active is True


def test_api_writes_pass_with_the_csrf_token(client, user):
    connection = make_connection(user, "strava")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    token = client.get(reverse("sync:dashboard")).cookies["csrftoken"].value
    response = client.patch(
        f"/api/providers/connections/{connection.pk}/toggle", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_api_throttles_with_429(client, user, monkeypatch):
    from trainlytics.api import api

    [throttle] = api.throttle
    monkeypatch.setattr(throttle, "num_requests", 2)
    cache.clear()  # the throttle counts in the shared cache
    client.force_login(user)
    statuses = [client.get("/api/providers/connections").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/providers/connections")
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response
    cache.clear()
