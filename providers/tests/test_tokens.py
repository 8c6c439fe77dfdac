"""get_access_token: refresh near expiry, under a row lock, saving what rotates."""

import threading
import time
from datetime import timedelta

import pytest
import requests
import responses
from django.db import connections
from django.utils import timezone
from responses import matchers

from providers.backends.base import Credentials
from providers.errors import ReauthRequiredError, TransientProviderError
from providers.models import ConnectionStatus, ProviderConnection
from providers.registry import BACKENDS, get_backend
from providers.tests.factories import make_connection
from providers.tests.flow import answer_with, load_case
from providers.tokens import get_access_token

SLUGS = [str(slug) for slug in BACKENDS]
# Providers that can refresh at all (Polar has no refresh token: reconnect instead).
REFRESHING = [slug for slug in SLUGS if load_case(slug).CREDENTIALS["refresh_token"]]


def expiring(slug, seconds=60, **fields):
    case = load_case(slug)
    return make_connection(
        provider=slug,
        token_expires_at=timezone.now() + timedelta(seconds=seconds),
        **{**case.CREDENTIALS, **fields},
    )


def register_refresh(rsps, connection):
    backend = get_backend(connection.provider)
    case = load_case(connection.provider)
    return case.refresh(rsps, backend, Credentials.from_connection(connection))


@pytest.mark.parametrize("slug", SLUGS)
def test_a_token_expiring_within_the_margin_is_refreshed_and_saved(db, rsps, slug):
    connection = expiring(slug)
    old_access, old_refresh = connection.access_token, connection.refresh_token
    expected = register_refresh(rsps, connection)
    if expected is None:
        with pytest.raises(ReauthRequiredError):
            get_access_token(connection)
        return
    token = get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert token == (expected["access_token"] or old_access)
    assert stored.access_token == token
    assert stored.refresh_token == (expected["refresh_token"] or old_refresh)
    assert stored.token_expires_at > timezone.now() + timedelta(minutes=30)


@pytest.mark.parametrize("slug", SLUGS)
def test_a_token_outside_the_margin_is_returned_without_a_request(db, rsps, slug):
    margin = get_backend(slug).get_refresh_margin()
    connection = expiring(slug, seconds=margin + 60)
    assert get_access_token(connection) == load_case(slug).CREDENTIALS["access_token"]
    assert len(rsps.calls) == 0


def test_a_token_just_inside_the_margin_is_refreshed(db, rsps, settings):
    settings.TOKEN_REFRESH_MARGIN = 300
    connection = expiring("strava", seconds=290)
    register_refresh(rsps, connection)
    assert get_access_token(connection) == "strava-access-rotated"


def test_garmin_refreshes_ten_minutes_ahead(db, rsps):
    connection = expiring("garmin", seconds=500)
    expected = register_refresh(rsps, connection)
    assert get_access_token(connection) == expected["access_token"]


def test_a_rotated_refresh_token_replaces_the_spent_one(db, rsps):
    connection = expiring("wahoo")
    register_refresh(rsps, connection)
    get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == "wahoo-refresh-rotated"


def test_refresh_keeps_old_refresh_token_when_none_returned(db, rsps):
    connection = expiring("fitbit")
    expected = register_refresh(rsps, connection)
    assert expected["refresh_token"] is None
    get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == load_case("fitbit").CREDENTIALS["refresh_token"]


def test_coros_refresh_keeps_its_access_token_and_extends_expiry(db, rsps):
    connection = expiring("coros")
    expected = register_refresh(rsps, connection)
    assert expected["access_token"] is None
    assert (
        get_access_token(connection) == load_case("coros").CREDENTIALS["access_token"]
    )
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.access_token == load_case("coros").CREDENTIALS["access_token"]
    assert stored.token_expires_at > timezone.now() + timedelta(days=29)


@pytest.mark.parametrize("slug", REFRESHING)
@pytest.mark.parametrize(
    ("status", "body"),
    [(400, {"error": "invalid_grant"}), (401, {"message": "Authorization Error"})],
)
def test_a_refused_refresh_flags_reauth_required_and_raises(
    db, rsps, slug, status, body
):
    connection = expiring(slug)
    register_refresh(rsps, connection)
    answer_with(rsps, get_backend(slug).refresh_endpoint, status=status, body=body)
    with pytest.raises(ReauthRequiredError):
        get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.REAUTH_REQUIRED
    assert stored.status_detail
    assert stored.access_token == load_case(slug).CREDENTIALS["access_token"]
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED


def test_polar_without_a_refresh_token_is_flagged_reauth_required(db, rsps):
    connection = expiring("polar", refresh_token=None)
    with pytest.raises(ReauthRequiredError):
        get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.REAUTH_REQUIRED
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("slug", REFRESHING)
@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("refused"), requests.ReadTimeout("slow")],
    ids=["connection-error", "timeout"],
)
def test_a_network_error_is_transient_and_leaves_the_connection_alone(
    db, rsps, slug, failure
):
    connection = expiring(slug)
    register_refresh(rsps, connection)
    answer_with(rsps, get_backend(slug).refresh_endpoint, body=failure)
    with pytest.raises(TransientProviderError):
        get_access_token(connection)
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.ACTIVE
    assert stored.status_detail == ""
    assert stored.access_token == load_case(slug).CREDENTIALS["access_token"]


def test_a_provider_500_at_refresh_is_transient(db, rsps):
    connection = expiring("strava")
    register_refresh(rsps, connection)
    answer_with(rsps, get_backend("strava").refresh_endpoint, status=502, body={})
    with pytest.raises(TransientProviderError):
        get_access_token(connection)
    assert ProviderConnection.objects.get(pk=connection.pk).status == "active"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_refreshing_at_once_send_exactly_one_refresh_request():
    connection = expiring("strava")
    backend = get_backend("strava")

    def slow_refresh(request):
        time.sleep(0.3)  # keep the row locked while the other thread arrives
        body = (
            '{"token_type": "Bearer", "access_token": "strava-access-raced", '
            '"refresh_token": "strava-refresh-raced", "expires_in": 21600}'
        )
        return 200, {"Content-Type": "application/json"}, body

    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            mine = ProviderConnection.objects.get(pk=connection.pk)
            barrier.wait()
            results.append(get_access_token(mine))
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    with responses.RequestsMock() as rsps:
        rsps.add_callback(
            responses.POST,
            backend.refresh_endpoint,
            callback=slow_refresh,
            match=[
                matchers.urlencoded_params_matcher(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": "strava-refresh-contract",
                        "client_id": backend.client_id,
                        "client_secret": backend.client_secret,
                    }
                )
            ],
        )
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        refresh_calls = len(rsps.calls)
    assert errors == []
    assert refresh_calls == 1
    assert results == ["strava-access-raced", "strava-access-raced"]
    stored = ProviderConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == "strava-refresh-raced"
