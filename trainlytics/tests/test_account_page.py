from django.test import Client
from django.urls import reverse


def test_the_account_page_needs_a_login(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_account_page_shows_the_email_and_links(client, user):
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "athlete@example.com" in page
    for name in ("account_email", "password_change", "account_end_other_sessions"):
        assert reverse(name) in page


def test_the_account_page_links_export_and_deletion(client, user):
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    for name in ("exports:index", "accounts:delete"):
        assert f'href="{reverse(name)}"' in page


def test_the_account_page_lists_the_other_sessions(client, user):
    client.force_login(user)
    Client().post(
        reverse("login"),
        {"username": user.email, "password": "correct horse battery"},
        HTTP_USER_AGENT="Phone browser",
    )
    page = client.get(reverse("account")).content.decode()
    assert "1 other session" in page
    assert "Phone browser" in page


def test_the_header_links_to_the_account_page(client, user):
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("account")}" class="who"' in page
