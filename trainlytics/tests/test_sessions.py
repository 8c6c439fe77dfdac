from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from trainlytics import sessions
from trainlytics.models import UserSession

PASSWORD = "correct horse battery"


def logged_in_client(user, **headers):
    client = Client(**headers)
    assert client.login(username=user.email, password=PASSWORD)
    return client


def is_logged_in(client):
    return client.get(reverse("account")).status_code == 200


def in_store(session_key):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore().exists(session_key)


def test_logging_in_records_the_session_with_address_and_browser(client, user):
    client.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD},
        HTTP_USER_AGENT="Firefox on a phone",
        REMOTE_ADDR="203.0.113.7",
    )
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key
    assert row.ip_address == "203.0.113.7"
    assert row.user_agent == "Firefox on a phone"


def test_logging_out_forgets_the_session(user):
    client = logged_in_client(user)
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=user).exists()


def test_end_sessions_ends_every_session_of_the_user(user):
    laptop, phone = logged_in_client(user), logged_in_client(user)
    keys = [laptop.session.session_key, phone.session.session_key]
    sessions.end_sessions(user)
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert not any(in_store(key) for key in keys)
    assert not UserSession.objects.filter(user=user).exists()


def test_end_sessions_also_ends_sessions_it_never_recorded(user):
    laptop = logged_in_client(user)
    UserSession.objects.all().delete()  # e.g. logged in before tracking existed
    sessions.end_sessions(user)
    assert not is_logged_in(laptop)


def test_end_sessions_keeps_the_session_asked_for(user):
    laptop, phone = logged_in_client(user), logged_in_client(user)
    sessions.end_sessions(user, keep=laptop.session.session_key)
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


def test_end_sessions_leaves_other_users_alone(user, other_user):
    theirs = logged_in_client(other_user)
    logged_in_client(user)
    sessions.end_sessions(user)
    assert is_logged_in(theirs)
    assert UserSession.objects.filter(user=other_user).count() == 1


def test_a_user_who_never_ended_sessions_keeps_djangos_auth_hash(user):
    # Sessions opened before the salt existed must survive the deploy that adds it.
    assert user.session_salt == ""
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)


def test_active_sessions_forgets_those_gone_from_the_store(user):
    laptop, phone = logged_in_client(user), logged_in_client(user)
    import_module(settings.SESSION_ENGINE).SessionStore(
        phone.session.session_key
    ).delete()  # expired and cleared
    assert [s.session_key for s in sessions.active_sessions(user)] == [
        laptop.session.session_key
    ]
    assert UserSession.objects.filter(user=user).count() == 1


def test_logging_out_other_sessions_ends_them_and_keeps_this_one(user):
    here, elsewhere = logged_in_client(user), logged_in_client(user)
    elsewhere_key = elsewhere.session.session_key
    old_key = here.session.session_key
    response = here.post(reverse("account_end_other_sessions"), follow=True)
    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "Every other session is logged out." in response.content.decode()
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert not in_store(elsewhere_key)
    # This session got a new key too; it stays recorded under it.
    assert here.session.session_key != old_key
    assert [s.session_key for s in UserSession.objects.filter(user=user)] == [
        here.session.session_key
    ]
    assert here.session[HASH_SESSION_KEY] == (
        type(user).objects.get(pk=user.pk).get_session_auth_hash()
    )


def test_logging_out_other_sessions_needs_a_post(user):
    here = logged_in_client(user)
    assert here.get(reverse("account_end_other_sessions")).status_code == 405


def test_logging_out_other_sessions_needs_a_login(client, db):
    response = client.post(reverse("account_end_other_sessions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_keeps_this_session_and_ends_the_others(user):
    here, elsewhere = logged_in_client(user), logged_in_client(user)
    elsewhere_key = elsewhere.session.session_key
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase 7",
            "new_password2": "a brand new passphrase 7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert not in_store(elsewhere_key)
    assert UserSession.objects.filter(user=user).count() == 1
