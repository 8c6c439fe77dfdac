import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from providers.tests.factories import make_connection


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_toggle_turns_sync_off_and_on_with_a_message(logged_in, user):
    connection = make_connection(user, "coros")
    url = reverse("sync:toggle", args=[connection.pk])
    response = logged_in.post(url)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.is_active is False
    assert "COROS sync is off" in str(next(iter(get_messages(response.wsgi_request))))
    logged_in.post(url)
    connection.refresh_from_db()
    assert connection.is_active is True


def test_toggle_refuses_get(logged_in, user):
    connection = make_connection(user, "coros")
    response = logged_in.get(reverse("sync:toggle", args=[connection.pk]))
    assert response.status_code == 405
    connection.refresh_from_db()
    assert connection.is_active is True


def test_toggle_of_someone_elses_connection_is_not_found(logged_in, other_user):
    connection = make_connection(other_user, "coros")
    response = logged_in.post(reverse("sync:toggle", args=[connection.pk]))
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.is_active is True


def test_toggle_needs_a_csrf_token(client, user):
    connection = make_connection(user, "coros")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    response = client.post(reverse("sync:toggle", args=[connection.pk]))
    assert response.status_code == 403
