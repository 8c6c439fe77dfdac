"""The sandbox's Strava refresh (providers.md §2.2): the same access token while it
has more than an hour left, a new one after; the refresh token rotates every time."""

import time
from types import SimpleNamespace

import pytest

from providers.sandbox import strava, tokens

from .helpers import approve, authorize_params, bearer, client_form, query

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]
TOKEN_URL = "/sandbox/strava/oauth/token"
ATHLETE_URL = "/sandbox/strava/api/v3/athlete"


def first_tokens(client):
    params = authorize_params("strava", scope="read,activity:read_all")
    answer = approve(
        client, "/sandbox/strava/oauth/authorize", params, granted=["read"]
    )
    form = client_form(
        "strava", code=query(answer)["code"], grant_type="authorization_code"
    )
    return client.post(TOKEN_URL, form).json()


def refresh(client, refresh_token):
    form = client_form(
        "strava", refresh_token=refresh_token, grant_type="refresh_token"
    )
    return client.post(TOKEN_URL, form)


@pytest.fixture
def clock(monkeypatch):
    """Move the sandbox's clock forward by `clock.advance(seconds)`."""
    offset = {"s": 0.0}
    fake = SimpleNamespace(time=lambda: time.time() + offset["s"])
    monkeypatch.setattr(strava, "time", fake)
    monkeypatch.setattr(tokens, "time", fake)
    return SimpleNamespace(advance=lambda s: offset.update(s=offset["s"] + s))


def test_refresh_with_over_an_hour_left_returns_the_same_access_token(client):
    first = first_tokens(client)

    answer = refresh(client, first["refresh_token"])

    assert answer.status_code == 200
    body = answer.json()
    assert body["access_token"] == first["access_token"]
    assert body["expires_at"] == first["expires_at"]
    assert 0 < body["expires_in"] <= 6 * 3600
    assert body["refresh_token"] != first["refresh_token"]
    assert refresh(client, first["refresh_token"]).status_code == 400


def test_the_same_token_keeps_coming_back_until_its_last_hour(client, clock):
    first = first_tokens(client)
    clock.advance(4 * 3600)  # two hours left
    second = refresh(client, first["refresh_token"]).json()
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] == pytest.approx(2 * 3600, abs=5)


def test_refresh_in_the_last_hour_returns_a_new_token_and_the_old_still_works(
    client, clock
):
    first = first_tokens(client)
    clock.advance(5 * 3600 + 60)  # 59 minutes left

    body = refresh(client, first["refresh_token"]).json()

    assert body["access_token"] != first["access_token"]
    assert body["expires_in"] == 6 * 3600
    assert body["expires_at"] > first["expires_at"]
    # Old and new are both valid until they expire.
    assert client.get(ATHLETE_URL, **bearer(first["access_token"])).status_code == 200
    assert client.get(ATHLETE_URL, **bearer(body["access_token"])).status_code == 200
    # The rotated refresh token now stands for the new access token.
    again = refresh(client, body["refresh_token"]).json()
    assert again["access_token"] == body["access_token"]
