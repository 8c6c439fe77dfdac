"""GET/POST /providers/<slug>/disconnect/: confirm, revoke best effort, delete."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.backends.base import Credentials
from providers.models import ProviderConnection
from providers.registry import BACKENDS, get_backend
from providers.signals import connection_removed
from providers.tests.factories import make_connection
from providers.tests.flow import answer_with, flashed, load_case

SLUGS = [str(slug) for slug in BACKENDS]


@pytest.fixture
def removals():
    """What connection_removed announced: [(provider, keep_activities)]."""
    seen = []

    def receiver(sender, connection, keep_activities, **kwargs):
        seen.append((connection.provider, keep_activities))

    connection_removed.connect(receiver)
    yield seen
    connection_removed.disconnect(receiver)


def connected(user, slug, case):
    """A connection holding the contract case's credentials (the mocks match them)."""
    return make_connection(user, slug, **case.CREDENTIALS)


def disconnect_url(slug):
    return reverse("providers:disconnect", args=[slug])


def test_confirm_page_offers_to_keep_activities_except_for_strava(
    athlete, user, slug, backend, case
):
    connected(user, slug, case)
    page = athlete.get(disconnect_url(slug)).content.decode()
    assert f"Disconnect {backend.name}</button>" in page
    assert "csrfmiddlewaretoken" in page
    if slug == "strava":
        assert "Strava's terms require us to delete your Strava data" in page
        assert 'name="activities"' not in page
    else:
        assert '<label for="activities-keep">Keep my activities</label>' in page
        assert 'value="delete"' in page


def test_disconnect_revokes_then_deletes_the_connection(
    athlete, user, slug, backend, case, rsps, removals
):
    connection = connected(user, slug, case)
    case.revoke(rsps, backend, Credentials.from_connection(connection))
    response = athlete.post(disconnect_url(slug), {"activities": "delete"})
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    assert flashed(response) == [f"Disconnected {backend.name}."]
    assert not ProviderConnection.objects.filter(pk=connection.pk).exists()
    assert removals == [(slug, False)]


def test_disconnect_keeps_activities_when_asked_except_for_strava(
    athlete, user, slug, backend, case, rsps, removals
):
    connection = connected(user, slug, case)
    case.revoke(rsps, backend, Credentials.from_connection(connection))
    athlete.post(disconnect_url(slug), {"activities": "keep"})
    assert removals == [(slug, slug != "strava")]


def test_disconnect_when_revoke_fails_still_removes_and_says_so(
    athlete, user, slug, backend, case, rsps, removals, caplog
):
    connection = connected(user, slug, case)
    case.revoke(rsps, backend, Credentials.from_connection(connection))
    answer_with(rsps, backend.revoke_endpoint, status=503, body={"error": "down"})
    with caplog.at_level(logging.WARNING, logger="providers"):
        response = athlete.post(disconnect_url(slug), {"activities": "keep"})
    assert response.status_code == 302
    [message] = flashed(response)
    assert "did not confirm that our access is revoked" in message
    assert not ProviderConnection.objects.filter(pk=connection.pk).exists()
    assert len(removals) == 1
    [record] = [r for r in caplog.records if "could not revoke" in r.getMessage()]
    assert slug in record.getMessage()
    for token in (case.CREDENTIALS["access_token"], case.CREDENTIALS["refresh_token"]):
        assert not token or token not in record.getMessage()


def test_disconnect_refreshes_an_expiring_token_before_revoking(
    athlete, user, rsps, removals
):
    case = load_case("wahoo")
    backend = get_backend("wahoo")
    connection = make_connection(
        user,
        "wahoo",
        **case.CREDENTIALS,
        token_expires_at=timezone.now() + timedelta(seconds=30),
    )
    rotated = case.refresh(rsps, backend, Credentials.from_connection(connection))
    case.revoke(
        rsps,
        backend,
        Credentials(
            access_token=rotated["access_token"],
            refresh_token=rotated["refresh_token"],
        ),
    )
    response = athlete.post(disconnect_url("wahoo"), {"activities": "keep"})
    assert flashed(response) == ["Disconnected Wahoo."]
    assert removals == [("wahoo", True)]


def test_disconnect_when_not_connected_is_404(athlete):
    assert athlete.get(disconnect_url("polar")).status_code == 404
    assert athlete.post(disconnect_url("polar")).status_code == 404


def test_disconnect_cannot_touch_another_users_connection(athlete, other_user):
    theirs = make_connection(other_user, "garmin")
    assert athlete.post(disconnect_url("garmin")).status_code == 404
    assert ProviderConnection.objects.filter(pk=theirs.pk).exists()


def test_disconnect_from_an_unknown_provider_is_404(athlete):
    assert athlete.get(disconnect_url("myspace")).status_code == 404


def test_anonymous_disconnect_redirects_to_login(client):
    response = client.post(disconnect_url("strava"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
