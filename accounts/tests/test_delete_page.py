"""/account/delete/: explain, ask for the password, delete, log out."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import PendingRevocation
from providers.tests.factories import make_connection
from sync.models import Activity
from sync.tests.grouping_helpers import MORNING, record

URL = reverse("accounts:delete")
PASSWORD = "correct horse battery"  # providers.tests.factories.make_user


@pytest.fixture
def strava(user):
    connection = make_connection(user, "strava")
    record(connection, "s-1", MORNING, 3600)
    return connection


def test_the_page_says_what_will_be_deleted(client, user, strava):
    client.force_login(user)

    page = client.get(URL).content.decode()

    assert "1 activity," in page
    assert "Strava" in page
    assert 'type="password"' in page
    assert strava.access_token not in page


def test_a_wrong_password_is_a_form_error_and_deletes_nothing(client, user, strava):
    client.force_login(user)

    response = client.post(URL, {"password": "not my password"})

    assert response.status_code == 200
    assert (
        "That is not your password. Nothing was deleted." in response.content.decode()
    )
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert Activity.objects.filter(user=user).count() == 1
    assert not PendingRevocation.objects.exists()


def test_the_right_password_deletes_logs_out_and_says_so_on_the_login_page(
    client, user, strava, django_capture_on_commit_callbacks
):
    client.force_login(user)

    with responses.RequestsMock() as rsps:
        rsps.post("https://www.strava.com/oauth/deauthorize")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "Your account and everything Trainlytics held about you were deleted." in (
        response.content.decode()
    )
    assert not response.context["user"].is_authenticated
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Activity.objects.exists()


def test_the_sessions_of_the_athlete_on_other_devices_are_deleted_too(
    client, user, strava
):
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)

    client.post(URL, {"password": PASSWORD})

    assert not Session.objects.filter(
        session_key=other_device.session.session_key
    ).exists()


def test_the_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
