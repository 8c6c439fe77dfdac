import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from providers.tests.factories import make_user


def signup(client, email="new@example.com", p1="a long passphrase 42", p2=None):
    return client.post(
        reverse("signup"),
        {"email": email, "password1": p1, "password2": p2 or p1},
    )


def test_signup_creates_the_account_and_logs_in(client, db):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("sync:dashboard")
    user = get_user_model().objects.get(email="new@example.com")
    assert user.check_password("a long passphrase 42")
    assert client.get(reverse("sync:dashboard")).status_code == 200


def test_signup_runs_djangos_password_validators(client, db):
    response = signup(client, p1="password")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_needs_matching_passwords(client, db):
    response = signup(client, p2="another long passphrase")
    assert "password fields didn" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_refuses_an_existing_email_in_any_case(client, db):
    make_user("Taken@Example.com")
    response = signup(client, email="taken@example.com")
    assert "An account with this email already exists." in response.content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "name", ["signup", "login", "password_change", "password_change_done"]
)
def test_account_pages_render(client, user, name):
    if name.startswith("password"):
        client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_password_change_uses_the_new_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a brand new passphrase 7",
            "new_password2": "a brand new passphrase 7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase 7")


def test_logout_is_a_post_and_ends_the_session(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("sync:dashboard")).status_code == 302
