"""Every athlete page, rendered for a French browser, is French: no msgid missing
from the catalog, no English sentence left in what the page shows (issue 17)."""

from typing import NamedTuple

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from analytics.tests.streams_helpers import queued  # noqa: F401 - a fixture
from exports.tests.helpers import build
from providers.sandbox.base import client_id_for
from trainlytics import email_change

from .french_detectors import (
    FRENCH,
    assert_french,
    english_nodes,
    record_catalog_misses,
)
from .french_helpers import NAMES, expired_export, seed_athlete

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queued")]


@pytest.fixture
def misses(monkeypatch):
    return record_catalog_misses(monkeypatch)


class Page(NamedTuple):
    url: object  # seeded -> the path to fetch
    status: int = 200
    anonymous: bool = False
    follow: bool = False
    shows: str = ""  # a piece of the seeded content the page must show


def _reset_link(s):
    uid = urlsafe_base64_encode(force_bytes(s.user.pk))
    token = default_token_generator.make_token(s.user)
    return reverse("password_reset_confirm", args=[uid, token])


def _calendar(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return lambda s: f"{reverse('planning:calendar')}?{query}"


def _workout(name, view="planning:workout"):
    return lambda s: reverse(view, args=[s.workouts[name].pk])


def _connection(view, provider):
    return lambda s: reverse(view, args=[s.connections[provider].pk])


PAGES = {
    "dashboard": Page(lambda s: reverse("sync:dashboard"), shows="4 activités"),
    "activities": Page(lambda s: reverse("sync:activities")),
    "activities-filtered": Page(lambda s: reverse("sync:activities") + "?sport=ride"),
    "activity-grouped": Page(
        lambda s: reverse("sync:activity", args=[s.activities["run"].pk]),
        shows="Forerunner 965",
    ),
    "activity-with-streams": Page(
        lambda s: reverse("sync:activity", args=[s.activities["ride"].pk]),
        shows="Meilleurs efforts",
    ),
    "streams-block": Page(
        lambda s: reverse("analytics:streams-block", args=[s.activities["ride"].pk])
    ),
    "card-status-failed": Page(_connection("sync:card-status", "polar")),
    "card-status-strava": Page(_connection("sync:card-status", "strava")),
    "card-status-withdrawn": Page(_connection("sync:card-status", "wahoo")),
    "history-failed": Page(_connection("sync:history", "polar"), shows="Échouée"),
    "history-strava": Page(_connection("sync:history", "strava")),
    "connections": Page(lambda s: reverse("providers:connections")),
    "history-withdrawn": Page(_connection("sync:history", "wahoo")),
    "disconnect": Page(lambda s: reverse("providers:disconnect", args=["strava"])),
    "callback-error": Page(
        lambda s: reverse("providers:callback", args=["strava"]) + "?state=x&code=y",
        status=400,
    ),
    "calendar-week": Page(_calendar(), shows="Manquée"),
    "calendar-month": Page(_calendar(view="month")),
    "calendar-bad-week": Page(_calendar(week="2026-W99"), status=400),
    "workout-new": Page(lambda s: reverse("planning:workout-new")),
    "workout-sent": Page(_workout("sent"), shows="Envoyée"),
    "workout-done": Page(_workout("done")),
    "workout-missed": Page(_workout("missed")),
    "workout-edit": Page(_workout("sent", "planning:workout-edit")),
    "workout-delete": Page(_workout("sent", "planning:workout-delete")),
    "analytics": Page(lambda s: reverse("analytics:analytics"), shows="Records"),
    "analytics-bad-range": Page(lambda s: reverse("analytics:analytics") + "?from=x"),
    "analytics-settings": Page(lambda s: reverse("analytics:settings")),
    "account": Page(lambda s: reverse("account")),
    "email-change": Page(lambda s: reverse("account_email")),
    "email-confirm": Page(
        lambda s: reverse(
            "account_email_confirm",
            args=[email_change.make_token(s.user, "anais.m@example.org")],
        )
    ),
    "email-confirm-invalid": Page(
        lambda s: reverse("account_email_confirm", args=["abc"]), status=400
    ),
    "password-change": Page(lambda s: reverse("password_change")),
    "password-change-done": Page(lambda s: reverse("password_change_done")),
    "export": Page(lambda s: reverse("exports:index"), shows="Télécharger"),
    "export-progress": Page(
        lambda s: reverse("exports:progress", args=[s.running_export.pk])
    ),
    "export-progress-ready": Page(
        lambda s: reverse("exports:progress", args=[s.export.pk])
    ),
    "export-expired": Page(
        lambda s: reverse("exports:download", args=[expired_export(s.user).pk]),
        status=410,
    ),
    "delete-account": Page(lambda s: reverse("accounts:delete")),
    "privacy": Page(lambda s: reverse("privacy")),
    "not-found": Page(lambda s: "/no-such-page/", status=404),
    "login": Page(lambda s: reverse("login"), anonymous=True),
    "signup": Page(lambda s: reverse("signup"), anonymous=True),
    "privacy-signed-out": Page(lambda s: reverse("privacy"), anonymous=True),
    "password-reset": Page(lambda s: reverse("password_reset"), anonymous=True),
    "password-reset-done": Page(
        lambda s: reverse("password_reset_done"), anonymous=True
    ),
    "password-reset-confirm": Page(_reset_link, anonymous=True, follow=True),
    "password-reset-bad-link": Page(
        lambda s: reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        anonymous=True,
    ),
    "password-reset-complete": Page(
        lambda s: reverse("password_reset_complete"), anonymous=True
    ),
}
SANDBOX_CONSENT = {
    "strava": "/sandbox/strava/oauth/authorize",
    "garmin": "/sandbox/garmin/oauth2Confirm",
    "polar": "/sandbox/polar/oauth2/authorization",
    "coros": "/sandbox/coros/oauth2/authorize",
    "wahoo": "/sandbox/wahoo/oauth/authorize",
    "fitbit": "/sandbox/fitbit/o/oauth2/v2/auth",
}


@pytest.fixture
def seeded(user, export_storage, django_capture_on_commit_callbacks):
    return seed_athlete(user, lambda u: build(u, django_capture_on_commit_callbacks))


def seeded_words(s):
    return (*NAMES.values(), s.user.email, s.user.full_name, "anais.m@example.org")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_reads_in_french(client, seeded, misses, name):
    page = PAGES[name]
    if not page.anonymous:
        client.force_login(seeded.user)
    url = page.url(seeded)
    misses.clear()  # what seeding looked up is not the page's

    response = client.get(url, follow=page.follow, **FRENCH)

    assert response.status_code == page.status
    assert response.get("Content-Language", "fr") == "fr"
    assert page.shows in response.content.decode()
    assert_french(response.content.decode(), misses, seeded_words(seeded))


@pytest.mark.urls("providers.sandbox.tests.urls")
@pytest.mark.parametrize("slug", list(SANDBOX_CONSENT))
def test_sandbox_consent_page_reads_in_french(client, misses, slug):
    params = {
        "client_id": client_id_for(slug),
        "redirect_uri": "http://testserver/providers/callback/",
        "response_type": "code",
        "state": "s-1",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    response = client.get(SANDBOX_CONSENT[slug], params, **FRENCH)
    assert response.status_code == 200
    assert_french(response.content.decode(), misses)


def test_dates_and_distances_are_written_the_french_way(client, seeded):
    client.force_login(seeded.user)
    week = client.get(_calendar(week="2026-W49")(seeded), **FRENCH).content.decode()
    ride = client.get(
        reverse("sync:activity", args=[seeded.activities["ride"].pk]), **FRENCH
    ).content.decode()
    assert "sam. 5 déc." in week  # Saturday 5 December 2026
    assert "1\xa0234,50 km" in ride  # 1,234.5 km


def test_the_english_detector_flags_the_english_dashboard(client, seeded):
    client.force_login(seeded.user)
    html = client.get(reverse("sync:dashboard")).content.decode()
    assert len(english_nodes(html, seeded_words(seeded))) > 3


def test_the_catalog_detector_flags_a_msgid_french_lacks(misses):
    with translation.override("fr"):
        translation.gettext("Dashboard")
        translation.pgettext("date format", "D j M")
        translation.gettext("A sentence nobody translated")
        translation.ngettext("%(n)s sentence nobody", "%(n)s sentences", 2)
    assert misses == ["A sentence nobody translated", "%(n)s sentence nobody"]
