"""Form errors, flash messages, emails and error pages, asked for in French, are
French (issue 17); the pages themselves: test_french_pages.py."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from providers.tests.factories import make_connection
from trainlytics import email_change

from .french_detectors import FRENCH, assert_french, record_catalog_misses

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # make_user's


@pytest.fixture
def misses(monkeypatch):
    return record_catalog_misses(monkeypatch)


def test_a_wrong_password_is_refused_in_french(client, user, misses):
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": "not it"},
        **FRENCH,
    )
    html = response.content.decode()
    assert "adresse e-mail et un mot de passe" in html
    assert_french(html, misses)


def test_a_workout_form_with_bad_input_says_what_is_wrong_in_french(
    client, user, misses
):
    client.force_login(user)
    response = client.post(
        reverse("planning:workout-new"),
        {
            "title": "",
            "sport_type": "run",
            "scheduled_for": "demain",
            "planned_duration": "une heure",
            "structure": "sprint jusqu'au bout",
        },
        **FRENCH,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in html
    assert_french(html, misses, ("sprint jusqu'au bout", "une heure", "demain"))


def test_a_flash_message_reads_in_french(client, user, misses):
    client.force_login(user)
    strava = make_connection(user, "strava")
    response = client.post(
        reverse("sync:toggle", args=[strava.pk]), follow=True, **FRENCH
    )
    html = response.content.decode()
    assert "La synchronisation Strava est désactivée" in html
    assert_french(html, misses, (user.email,))


def _confirm_link(user):
    return reverse(
        "account_email_confirm",
        args=[email_change.make_token(user, "anais.m@example.org")],
    )


EMAILS = {
    # What the athlete asks for -> the email Trainlytics sends.
    "password-reset": lambda u: (
        reverse("password_reset"),
        {"email": u.email},
    ),
    "email-change-confirmation": lambda u: (
        reverse("account_email"),
        {"email": "anais.m@example.org", "password": PASSWORD},
    ),
    "email-changed-notice": lambda u: (_confirm_link(u), {}),
}


@pytest.mark.parametrize("name", list(EMAILS))
def test_emails_asked_for_in_french_are_written_in_french(
    client, user, misses, mailoutbox, name
):
    client.force_login(user)
    url, form = EMAILS[name](user)
    response = client.post(url, form, **FRENCH)
    assert response.status_code == 302
    [message] = mailoutbox
    text = f"{message.subject}\n{message.body}"
    assert "Trainlytics" in text
    assert_french(text, misses, ("athlete@example.com", "anais.m@example.org"))


@pytest.mark.parametrize(
    ("handler", "status"),
    [(defaults.permission_denied, 403), (defaults.server_error, 500)],
    ids=["403", "500"],
)
def test_error_pages_read_in_french(rf, misses, handler, status):
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    with translation.override("fr"):
        args = (request,) if status == 500 else (request, PermissionDenied())
        response = handler(*args)
    assert response.status_code == status
    assert_french(response.content.decode(), misses)


def test_a_stale_form_is_refused_in_french(misses, user):
    """A login form left open past its CSRF cookie: Django's own 403 page."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": user.email, "password": "x"}, **FRENCH
    )
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()
    assert_french(response.content.decode(), misses)
