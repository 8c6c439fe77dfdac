"""Strava's refresh answers the same access token while it has more than an hour
left, or a new one (providers.md §2.2); either way the refresh token may rotate.
get_access_token stores whatever the answer holds."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from providers.backends.base import Credentials
from providers.registry import get_backend
from providers.tests.contracts.common import refresh_grant
from providers.tests.factories import make_connection
from providers.tokens import get_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def strava():
    return get_backend("strava")


@pytest.fixture
def expiring(user):
    return make_connection(
        user,
        "strava",
        access_token="strava-access-current",
        refresh_token="strava-refresh-1",
        token_expires_at=timezone.now() + timedelta(seconds=60),
    )


def answer_refresh(rsps, backend, connection, access_token, expires_at):
    rsps.post(
        backend.refresh_endpoint,
        json={
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_at": expires_at,
            "expires_in": expires_at - int(time.time()),
            "refresh_token": "strava-refresh-2",
        },
        match=[refresh_grant(backend, Credentials.from_connection(connection))],
    )


def test_a_refresh_answering_the_same_access_token_keeps_it_with_the_new_expiry(
    rsps, strava, expiring
):
    expires_at = int(time.time()) + 2 * 3600
    answer_refresh(rsps, strava, expiring, "strava-access-current", expires_at)

    token = get_access_token(expiring, strava)

    assert token == "strava-access-current"
    expiring.refresh_from_db()
    assert expiring.access_token == "strava-access-current"
    assert expiring.refresh_token == "strava-refresh-2"
    assert expiring.token_expires_at == datetime.fromtimestamp(expires_at, UTC)


def test_a_refresh_answering_a_new_access_token_replaces_it(rsps, strava, expiring):
    expires_at = int(time.time()) + 6 * 3600
    answer_refresh(rsps, strava, expiring, "strava-access-next", expires_at)

    token = get_access_token(expiring, strava)

    assert token == "strava-access-next"
    expiring.refresh_from_db()
    assert expiring.access_token == "strava-access-next"
    assert expiring.refresh_token == "strava-refresh-2"
    assert expiring.token_expires_at == datetime.fromtimestamp(expires_at, UTC)


def test_the_backend_reports_the_same_access_token_as_a_token_not_a_gap(
    rsps, strava, expiring
):
    expires_at = int(time.time()) + 2 * 3600
    answer_refresh(rsps, strava, expiring, "strava-access-current", expires_at)

    tokens = strava.refresh(Credentials.from_connection(expiring))

    assert tokens.access_token == "strava-access-current"
    assert tokens.refresh_token == "strava-refresh-2"
