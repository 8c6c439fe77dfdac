"""Strava's connect control is its "Connect with Strava" artwork
(https://developers.strava.com/guidelines/); other providers keep a text button."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from providers.models import ConnectionStatus
from providers.tests.factories import make_connection

ARTWORK = "img/strava-connect.svg"


def card_of(page, slug):
    """The connections page's card of one provider."""
    match = re.search(rf'<li class="card" id="provider-{slug}">(.*?)</li>', page, re.S)
    assert match, f"no card for {slug}"
    return match.group(1)


def strava_form(page):
    action = reverse("providers:connect", args=["strava"])
    match = re.search(
        rf'<form method="post" action="{action}">(.*?)</form>', page, re.S
    )
    assert match, "no connect form for Strava"
    return match.group(1)


def test_the_strava_artwork_is_orange_with_the_official_wording():
    svg = Path(finders.find(ARTWORK)).read_text(encoding="utf-8")
    assert 'fill="#FC4C02"' in svg
    assert ">Connect with Strava</text>" in svg
    assert 'fill="#FFFFFF"' in svg


def test_strava_connects_with_its_artwork_as_the_submit_button(athlete):
    page = athlete.get(reverse("providers:connections")).content.decode()
    form = strava_form(page)
    assert re.search(
        rf'<button type="submit"[^>]*><img src="/static/{ARTWORK}" '
        r'alt="Connect with Strava"',
        form,
    )
    assert "Connect Strava" not in card_of(page, "strava")


def test_other_providers_keep_their_text_buttons(athlete):
    page = athlete.get(reverse("providers:connections")).content.decode()
    card = card_of(page, "polar")
    assert "Connect Polar</button>" in card
    assert ARTWORK not in card
    assert page.count(ARTWORK) == 1


def test_reconnecting_strava_uses_the_artwork_too(athlete, user):
    make_connection(user, "strava", status=ConnectionStatus.REAUTH_REQUIRED)
    make_connection(user, "wahoo", status=ConnectionStatus.REAUTH_REQUIRED)
    page = athlete.get(reverse("providers:connections")).content.decode()
    assert ARTWORK in strava_form(page)
    assert "Reconnect Wahoo</button>" in card_of(page, "wahoo")


def test_an_unconfigured_strava_shows_no_artwork(athlete, settings):
    settings.PROVIDERS = {
        **settings.PROVIDERS,
        "strava": {**settings.PROVIDERS["strava"], "CLIENT_ID": ""},
    }
    page = athlete.get(reverse("providers:connections")).content.decode()
    assert ARTWORK not in page
    assert "Not configured on this server." in card_of(page, "strava")


def test_the_dashboard_connects_strava_with_the_artwork(athlete):
    page = athlete.get(reverse("sync:dashboard")).content.decode()
    assert page.count(ARTWORK) == 1
    assert "Connect Polar</button>" in page
