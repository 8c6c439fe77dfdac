import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from providers.tests.factories import make_user
from trainlytics import email_change

PASSWORD = "correct horse battery"


@pytest.fixture
def athlete_client(user):
    client = Client()
    client.force_login(user)
    return client


def ask_for_change(client, email="new.address@example.com", password=PASSWORD):
    return client.post(reverse("account_email"), {"email": email, "password": password})


def confirm_path(message):
    match = re.search(r"https?://[^/\s]+(/account/email/confirm/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def token_made_days_ago(user, new_email, days, monkeypatch):
    past = signing.time.time() - timedelta(days=days).total_seconds()
    with monkeypatch.context() as m:
        m.setattr(signing.time, "time", lambda: past)
        return email_change.make_token(user, new_email)


def test_asking_sends_a_link_to_the_new_address_only(
    athlete_client, user, mailoutbox, settings
):
    settings.SITE_URL = "https://trainlytics.example"
    response = ask_for_change(athlete_client)
    assert response["Location"] == reverse("account")
    [message] = mailoutbox
    assert message.to == ["new.address@example.com"]
    assert message.subject == "Confirm your new Trainlytics email address"
    assert "https://trainlytics.example/account/email/confirm/" in message.body
    user.refresh_from_db()
    assert user.email == "athlete@example.com"


def test_asking_needs_the_current_password(athlete_client, user, mailoutbox):
    response = ask_for_change(athlete_client, password="wrong password")
    assert "Your password was entered incorrectly" in response.content.decode()
    assert mailoutbox == []


def test_asking_refuses_an_address_another_account_uses(
    athlete_client, other_user, mailoutbox
):
    response = ask_for_change(athlete_client, email="SOMEONE.ELSE@example.com")
    assert "Another account uses this address." in response.content.decode()
    assert mailoutbox == []


def test_opening_the_link_asks_before_changing(athlete_client, user, mailoutbox):
    ask_for_change(athlete_client)
    page = athlete_client.get(confirm_path(mailoutbox[0]))
    assert page.status_code == 200
    assert "new.address@example.com" in page.content.decode()
    user.refresh_from_db()
    assert user.email == "athlete@example.com"


def test_confirming_changes_the_address_and_tells_the_old_one(
    athlete_client, user, mailoutbox
):
    ask_for_change(athlete_client)
    response = athlete_client.post(confirm_path(mailoutbox[0]))
    assert response["Location"] == reverse("account")
    user.refresh_from_db()
    assert user.email == "new.address@example.com"
    notice = mailoutbox[1]
    assert notice.to == ["athlete@example.com"]
    assert notice.subject == "Your Trainlytics email address was changed"
    assert "new.address@example.com" in notice.body
    # Still logged in, and the new address is the login now.
    assert athlete_client.get(reverse("account")).status_code == 200
    assert Client().login(username="new.address@example.com", password=PASSWORD)


def test_the_link_works_once(athlete_client, user, mailoutbox):
    ask_for_change(athlete_client)
    path = confirm_path(mailoutbox[0])
    athlete_client.post(path)
    again = athlete_client.post(path)
    assert again.status_code == 400
    assert "already used" in again.content.decode()


def test_an_expired_link_is_refused(athlete_client, user, monkeypatch):
    token = token_made_days_ago(user, "new.address@example.com", 4, monkeypatch)
    path = reverse("account_email_confirm", args=[token])
    response = athlete_client.post(path)
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "athlete@example.com"


def test_a_link_two_days_old_still_works(athlete_client, user, monkeypatch):
    token = token_made_days_ago(user, "new.address@example.com", 2, monkeypatch)
    athlete_client.post(reverse("account_email_confirm", args=[token]))
    user.refresh_from_db()
    assert user.email == "new.address@example.com"


def test_a_tampered_link_is_refused(athlete_client, user):
    token = email_change.make_token(user, "new.address@example.com")
    rest = token.split(":", 1)[1]
    forged = signing.dumps(
        {"user": user.pk, "to": "attacker@example.com", "from": "x"}, salt="wrong"
    ).split(":", 1)[0]
    for bad in (forged + ":" + rest, token[:-2] + "xx"):
        response = athlete_client.post(reverse("account_email_confirm", args=[bad]))
        assert response.status_code == 400
        assert "This link is not valid." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "athlete@example.com"


def test_another_users_link_is_refused(athlete_client, user, other_user):
    token = email_change.make_token(other_user, "new.address@example.com")
    response = athlete_client.post(reverse("account_email_confirm", args=[token]))
    assert response.status_code == 400
    assert "another account" in response.content.decode()
    other_user.refresh_from_db()
    user.refresh_from_db()
    assert other_user.email == "someone.else@example.com"
    assert user.email == "athlete@example.com"


def test_the_link_needs_a_login(client, user):
    path = reverse(
        "account_email_confirm",
        args=[email_change.make_token(user, "new.address@example.com")],
    )
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    user.refresh_from_db()
    assert user.email == "athlete@example.com"


def test_an_address_taken_meanwhile_is_refused(athlete_client, user, mailoutbox):
    ask_for_change(athlete_client)
    make_user("New.Address@Example.com")
    response = athlete_client.post(confirm_path(mailoutbox[0]))
    assert response.status_code == 400
    assert "Another account uses this address now." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "athlete@example.com"
    assert len(mailoutbox) == 1  # no "changed" notice


def test_the_link_does_not_show_the_old_address(user):
    token = email_change.make_token(user, "new.address@example.com")
    assert "athlete" not in signing.b64_decode(token.split(":")[0].encode()).decode()
