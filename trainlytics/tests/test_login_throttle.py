import pytest
from django.core.cache import cache
from django.urls import reverse

from providers.tests.factories import make_user
from trainlytics.forms import THROTTLED_MESSAGE

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def log_in(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, email, times, ip="10.0.0.1"):
    for _ in range(times):
        assert log_in(client, email, "wrong password", ip).status_code == 200


def test_five_failures_block_even_the_right_password(client, user):
    fail(client, user.email, 5)
    response = log_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert THROTTLED_MESSAGE in response.content.decode().replace("&#x27;", "'")
    assert "_auth_user_id" not in client.session


def test_four_failures_still_allow_logging_in(client, user):
    fail(client, user.email, 4)
    response = log_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_success_resets_the_count(client, user):
    fail(client, user.email, 4)
    log_in(client, user.email, PASSWORD)
    client.logout()
    fail(client, user.email, 4)
    assert log_in(client, user.email, PASSWORD).status_code == 302


def test_other_accounts_and_addresses_are_unaffected(client, user):
    other = make_user("other@example.com")
    fail(client, user.email, 5)
    assert log_in(client, other.email, PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, user.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_block_ignores_email_case(client, user):
    fail(client, user.email.upper(), 5)
    assert log_in(client, user.email, PASSWORD).status_code == 429


def test_the_block_lifts_when_the_window_ends(client, user, settings):
    settings.LOGIN_FAILURE_WINDOW = 1
    fail(client, user.email, 5)
    cache.clear()  # what the window's expiry does to the counter
    assert log_in(client, user.email, PASSWORD).status_code == 302
