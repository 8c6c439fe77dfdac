"""A grant revoked at the provider, for every provider, through its contract case.

Two shapes (providers/tests/contracts/<slug>.py): the data API answers 401, and the
token endpoint refuses the refresh in the provider's own words. Either way the run
fails once, the connection asks the athlete to reconnect, scheduled syncs stop, and
reconnecting makes it active and syncing again.
"""

import importlib
from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from providers import services as connections
from providers.backends.base import Credentials
from providers.models import ConnectionStatus
from providers.registry import BACKENDS, get_backend
from providers.tests.factories import make_connection
from providers.tokens import reauth_detail
from sync.models import SyncHistory, SyncStatus, SyncType
from sync.services import run_sync, sync_in_foreground
from sync.services.scheduling import due_connections

SLUGS = [str(slug) for slug in BACKENDS]
REFRESHABLE = [slug for slug in SLUGS if slug != "polar"]


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture(autouse=True)
def one_backend_instance(monkeypatch):
    """The runner uses the instance the test set up (cases shrink page sizes)."""
    backends = {}

    def shared(slug):
        return backends.setdefault(slug, get_backend(slug))

    monkeypatch.setattr("sync.services.runner.get_backend", shared)
    return shared


def case_for(slug):
    return importlib.import_module(f"providers.tests.contracts.{slug}")


def connection_for(user, slug, expires_in):
    fields = dict(case_for(slug).CREDENTIALS)
    if slug == "polar":
        fields["refresh_token"] = None
    return make_connection(
        user,
        slug,
        **fields,
        token_expires_at=timezone.now() + expires_in if expires_in else None,
        last_sync_at=timezone.now() - timedelta(days=2),
    )


def refreshed_credentials(expected, credentials):
    return Credentials(
        access_token=expected["access_token"] or credentials.access_token,
        refresh_token=expected["refresh_token"] or credentials.refresh_token,
        provider_user_id=credentials.provider_user_id,
    )


def calls_to(rsps, url):
    return [call for call in rsps.calls if call.request.url.startswith(url)]


def assert_needs_reconnect(connection, run, client):
    backend = get_backend(connection.provider)
    assert run.status == SyncStatus.FAILED
    assert run.error_details["kind"] == "reauth_required"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED
    assert connection.status_detail == reauth_detail(backend)
    later = timezone.now() + timedelta(days=3)
    assert connection.pk not in {c.pk for c in due_connections(later)}
    client.force_login(connection.user)
    page = client.get(reverse("sync:dashboard")).content.decode()
    assert f"Reconnect {backend.name}" in page
    assert "revoked or has expired" in page


@pytest.mark.django_db
@pytest.mark.parametrize("slug", REFRESHABLE)
def test_refused_refresh_asks_the_athlete_to_reconnect(slug, user, rsps, client):
    connection = connection_for(user, slug, timedelta(seconds=10))
    case_for(slug).refresh_refused(
        rsps, get_backend(slug), Credentials.from_connection(connection)
    )

    run = sync_in_foreground(connection)

    assert_needs_reconnect(connection, run, client)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", REFRESHABLE)
def test_api_401_gets_one_refresh_then_asks_to_reconnect(slug, user, rsps, client):
    connection = connection_for(user, slug, timedelta(days=5))
    backend, case = get_backend(slug), case_for(slug)
    credentials = Credentials.from_connection(connection)
    case.revoked(rsps, backend, credentials)
    expected = case.refresh(rsps, backend, credentials)
    case.revoked(rsps, backend, refreshed_credentials(expected, credentials))

    run = sync_in_foreground(connection)

    assert len(calls_to(rsps, backend.refresh_endpoint)) == 1
    assert_needs_reconnect(connection, run, client)


@pytest.mark.django_db
def test_api_401_without_a_refresh_token_asks_to_reconnect_at_once(user, rsps, client):
    connection = connection_for(user, "polar", None)
    case_for("polar").revoked(
        rsps, get_backend("polar"), Credentials.from_connection(connection)
    )

    run = sync_in_foreground(connection)

    assert_needs_reconnect(connection, run, client)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", REFRESHABLE)
def test_api_401_cured_by_the_refresh_finishes_the_sync(
    slug, user, rsps, one_backend_instance
):
    connection = connection_for(user, slug, timedelta(days=5))
    backend, case = one_backend_instance(slug), case_for(slug)
    credentials = Credentials.from_connection(connection)
    case.revoked(rsps, backend, credentials)
    expected = case.refresh(rsps, backend, credentials)
    since = connection.last_sync_at - timedelta(days=3)
    fresh = refreshed_credentials(expected, credentials)
    case.activities(rsps, backend, fresh, since)

    run = sync_in_foreground(connection)

    assert run.status == SyncStatus.SUCCESS, run.error_message
    assert run.activities_created > 0
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.access_token == fresh.access_token


@pytest.mark.django_db
def test_pending_run_of_a_flagged_connection_fails_without_calling(user, rsps):
    connection = connection_for(user, "strava", timedelta(days=5))
    connections.mark_reauth_required(connection, "Reconnect Strava.")
    run = SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.SCHEDULED
    )

    run = run_sync(run.pk)

    assert run.status == SyncStatus.FAILED
    assert len(rsps.calls) == 0


@pytest.mark.django_db
def test_reconnecting_clears_the_flag_and_syncs_again(
    user, django_capture_on_commit_callbacks
):
    connection = connection_for(user, "strava", timedelta(days=5))
    connections.mark_reauth_required(connection, reauth_detail(get_backend("strava")))

    with django_capture_on_commit_callbacks() as callbacks:
        connections.upsert_connection(
            user,
            "strava",
            connection.provider_user_id,
            "strava-access-again",
            "strava-refresh-again",
            timezone.now() + timedelta(hours=6),
            ["read", "activity:read_all"],
            {},
        )

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.status_detail == ""
    assert callbacks, "the reconnect announces itself after commit"
    for callback in callbacks:
        callback()
    run = SyncHistory.objects.get(connection=connection)
    assert run.sync_type == SyncType.INITIAL
    assert connection in list(due_connections(timezone.now() + timedelta(days=3)))
