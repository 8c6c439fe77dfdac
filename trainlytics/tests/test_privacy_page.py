"""/privacy/: what we store, for how long, who sees it, how to export or delete it."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def privacy_page(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_privacy_page_is_public(client):
    assert reverse("privacy") == "/privacy/"
    page = privacy_page(client)
    assert "<h1>Privacy</h1>" in page


def test_it_says_what_is_stored_for_how_long_and_who_sees_it(client):
    page = privacy_page(client)
    for heading in (
        "What we store",
        "Where it comes from",
        "How long we keep it",
        "Who can see it",
        "Export or delete your data",
    ):
        assert f"<h2>{heading}</h2>" in page
    for stored in ("encrypted", "Streams", "Sync history", "Planned workouts"):
        assert stored in page
    assert "24 hours" in page
    assert "delete that service's activities and streams at once" in page
    assert "14 days without a visit" in page


def test_it_links_the_export_and_the_deletion_pages(client):
    page = privacy_page(client)
    export = reverse("exports:index")
    delete = reverse("accounts:delete")
    assert f'<a href="{export}">Export your data</a>' in page
    assert f'<a href="{delete}">Delete your account</a>' in page


def test_the_session_lifetime_follows_the_setting(client, settings):
    settings.SESSION_COOKIE_AGE = 86400
    assert "or 1 day without a visit" in privacy_page(client)


@pytest.mark.parametrize("name", ["login", "signup"])
def test_login_and_signup_link_the_privacy_page(client, name):
    page = client.get(reverse(name)).content.decode()
    main = re.search(r"<main.*?</main>", page, re.S).group(0)
    assert 'href="/privacy/"' in main


def test_every_page_links_the_privacy_page_from_its_footer(client, user):
    client.force_login(user)
    page = client.get(reverse("sync:dashboard")).content.decode()
    footer = re.search(r"<footer.*?</footer>", page, re.S).group(0)
    assert 'href="/privacy/"' in footer


def test_the_privacy_page_only_answers_get(client):
    assert client.post(reverse("privacy")).status_code == 405
