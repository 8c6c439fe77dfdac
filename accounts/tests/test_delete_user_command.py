"""`manage.py delete_user EMAIL`: the deletion page's work, for staff."""

from io import StringIO

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import PendingRevocation, RevocationStatus
from providers.tests.factories import make_connection
from sync.models import Activity
from sync.tests.grouping_helpers import MORNING, record


@pytest.fixture
def strava(user):
    connection = make_connection(user, "strava")
    record(connection, "s-1", MORNING, 3600)
    return connection


def exists(user):
    return get_user_model().objects.filter(pk=user.pk).exists()


def test_it_deletes_the_account_and_revokes_its_grants_without_asking(
    user, strava, django_capture_on_commit_callbacks
):
    out = StringIO()
    with responses.RequestsMock() as rsps:
        rsps.post("https://www.strava.com/oauth/deauthorize")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("delete_user", "Athlete@Example.com", "--no-input", stdout=out)

    assert not exists(user)
    assert not Activity.objects.exists()
    assert PendingRevocation.objects.get().status == RevocationStatus.REVOKED
    assert "1 provider grant(s) queued" in out.getvalue()


def test_it_asks_first_and_keeps_everything_unless_told_yes(user, strava, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing deleted"):
        call_command("delete_user", user.email, stdout=StringIO())

    assert exists(user)
    assert Activity.objects.count() == 1


def test_it_deletes_once_confirmed(user, strava, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out = StringIO()

    call_command("delete_user", user.email, stdout=out)

    assert not exists(user)
    assert "1 activities, 0 planned workouts, providers: Strava." in out.getvalue()


def test_an_unknown_email_is_an_error(user):
    with pytest.raises(CommandError, match="No account with the email"):
        call_command("delete_user", "nobody@example.com", "--no-input")

    assert exists(user)
