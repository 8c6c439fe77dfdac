"""Wahoo quirks (providers.md §6); the shared behaviour is in the contract suite."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.wahoo import WahooBackend
from providers.errors import (
    MalformedPayloadError,
    ProviderError,
    ReauthRequiredError,
    TokenCapReachedError,
)
from providers.http import make_session
from providers.sports import SportType

PAYLOADS = Path(__file__).parent / "payloads"
CREDENTIALS = Credentials(
    access_token="wahoo-token", refresh_token="wahoo-refresh", provider_user_id="60462"
)
BEARER = matchers.header_matcher({"Authorization": "Bearer wahoo-token"})
CAP_ERROR = {
    "error": "Too many unrevoked access tokens exist for this app and user. "
    "Revoke some before requesting more."
}


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def workout(workout_id):
    return next(w for w in load("wahoo_workouts.json") if w["id"] == workout_id)


@pytest.fixture
def backend():
    return WahooBackend()


def test_normalize_parses_string_numbers_of_a_multisport_workout(backend):
    result = backend.normalize(workout(300000005))

    assert result.provider_activity_id == "300000005"
    assert result.sport_type == SportType.MULTISPORT
    assert result.name == "Sprint triathlon"
    assert result.start_time == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert result.distance_m == 25750.0
    assert result.moving_time_s == 7200
    assert result.elapsed_time_s == 7505
    assert result.elevation_gain_m == 120.5
    assert result.avg_hr_bpm == 142.0
    assert result.calories_kcal == 1510.0
    assert result.max_hr_bpm is None
    assert result.activity_data == workout(300000005)


def test_normalize_rounds_fractional_seconds(backend):
    result = backend.normalize(workout(300000004))

    assert result.sport_type == SportType.RUN
    assert result.moving_time_s == 3050
    assert result.distance_m == 10012.5
    assert result.calories_kcal == 702.25


@pytest.mark.parametrize(
    ("workout_id", "offset"),
    [(300000004, 7200), (300000005, 3600)],
)
def test_normalize_offset_follows_the_time_zone_across_dst(backend, workout_id, offset):
    assert backend.normalize(workout(workout_id)).utc_offset_s == offset


def test_normalize_leaves_missing_heart_rate_and_time_zone_as_none(backend):
    result = backend.normalize(workout(300000003))

    assert result.sport_type == SportType.VIRTUAL_RIDE
    assert result.avg_hr_bpm is None
    assert result.utc_offset_s is None
    assert result.distance_m == 31200.0


def test_normalize_uses_minutes_when_a_workout_has_no_summary(backend):
    result = backend.normalize(workout(300000002))

    assert result.sport_type == SportType.WALK
    assert result.elapsed_time_s == 45 * 60
    assert result.moving_time_s is None
    assert result.distance_m is None
    assert result.avg_hr_bpm is None
    assert result.calories_kcal is None


def test_normalize_maps_an_unknown_type_to_other_and_accepts_plain_numbers(backend):
    result = backend.normalize(workout(300000001))

    assert result.sport_type == SportType.OTHER
    assert result.moving_time_s == 1200
    assert result.activity_data["workout_type_id"] == 255


@pytest.mark.parametrize(
    ("index", "reason"),
    [(0, "no valid starts"), (1, "no valid starts"), (2, "distance_accum")],
)
def test_normalize_rejects_malformed_workouts_with_a_reason(backend, index, reason):
    raw = load("wahoo_workouts_malformed.json")[index]

    with pytest.raises(MalformedPayloadError, match=reason):
        backend.normalize(raw)


def test_token_cap_at_exchange_tells_the_athlete_how_to_recover(backend):
    redirect = "https://app.example.com/providers/wahoo/callback/"
    with responses.RequestsMock() as rsps:
        rsps.post(
            backend.token_endpoint,
            status=400,
            json=CAP_ERROR,
            match=[
                matchers.urlencoded_params_matcher(
                    {
                        "grant_type": "authorization_code",
                        "code": "auth-code-123",
                        "redirect_uri": redirect,
                        "client_id": backend.client_id,
                        "client_secret": backend.client_secret,
                    }
                )
            ],
        )

        with pytest.raises(TokenCapReachedError) as caught:
            backend.exchange_code("auth-code-123", redirect)

    message = caught.value.user_message
    assert "too many" in message
    assert "remove Trainlytics from the connected apps" in message
    assert "reconnect Wahoo here" in message
    assert caught.value.status == 400
    assert "Too many unrevoked access tokens" in caught.value.provider_message


def test_token_cap_at_refresh_flags_reconnect_without_the_token(backend):
    with responses.RequestsMock() as rsps:
        rsps.post(
            backend.refresh_endpoint,
            status=400,
            json=CAP_ERROR,
            match=[
                matchers.urlencoded_params_matcher(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": "wahoo-refresh",
                        "client_id": backend.client_id,
                        "client_secret": backend.client_secret,
                    },
                    allow_blank=True,
                )
            ],
        )

        with pytest.raises(TokenCapReachedError) as caught:
            backend.refresh(CREDENTIALS)

    # A ReauthRequiredError, so the refresh still flags the connection.
    assert isinstance(caught.value, ReauthRequiredError)
    assert "connected apps" in caught.value.user_message
    assert "wahoo-refresh" not in str(caught.value)
    assert "wahoo-refresh" not in repr(caught.value)


def test_a_400_without_the_cap_words_is_no_cap_error(backend):
    redirect = "https://app.example.com/providers/wahoo/callback/"
    with responses.RequestsMock() as rsps:
        rsps.post(backend.token_endpoint, status=400, json={"error": "bad code"})

        with pytest.raises(ProviderError) as caught:
            backend.exchange_code("auth-code-123", redirect)

    assert not isinstance(caught.value, TokenCapReachedError)


def test_other_token_errors_keep_the_shared_mapping(backend):
    with responses.RequestsMock() as rsps:
        rsps.post(backend.refresh_endpoint, status=400, json={"error": "invalid_grant"})

        with pytest.raises(ReauthRequiredError):
            backend.refresh(CREDENTIALS)


def test_fetch_account_reads_the_user_endpoint(backend):
    user = load("wahoo_user.json")
    with responses.RequestsMock() as rsps:
        rsps.get(f"{backend.api_url}/v1/user", json=user, match=[BEARER])

        account = backend.fetch_account(CREDENTIALS)

    assert account.provider_user_id == "60462"
    assert account.profile == user


def _register_pages(rsps, backend, pages, total):
    for number, page in enumerate(pages, start=1):
        rsps.get(
            f"{backend.api_url}/v1/workouts",
            json={"workouts": page, "total": total, "page": number, "per_page": 2},
            match=[
                BEARER,
                matchers.query_param_matcher({"page": str(number), "per_page": "2"}),
            ],
        )


def test_iter_activities_without_since_reads_every_page_up_to_total(backend):
    workouts = load("wahoo_workouts.json")
    backend.per_page = 2
    with responses.RequestsMock() as rsps:
        _register_pages(rsps, backend, [workouts[:2], workouts[2:4], workouts[4:]], 5)
        http = make_session("wahoo")

        pages = list(backend.iter_activities(http, CREDENTIALS, None))

    assert pages == [workouts[:2], workouts[2:4], workouts[4:]]
    assert http.calls == 3


def test_iter_activities_stops_at_the_first_workout_older_than_since(backend):
    workouts = load("wahoo_workouts.json")
    since = datetime(2026, 10, 19, tzinfo=UTC)
    backend.per_page = 2
    with responses.RequestsMock() as rsps:
        # Page 3 is not registered: requesting it would fail the test.
        _register_pages(rsps, backend, [workouts[:2], workouts[2:4]], 5)

        pages = list(backend.iter_activities(make_session(), CREDENTIALS, since))

    assert pages == [workouts[:2], workouts[2:3]]


def test_iter_activities_keeps_a_workout_whose_start_cannot_be_read(backend):
    workouts = load("wahoo_workouts.json")
    broken = load("wahoo_workouts_malformed.json")[0]
    since = datetime(2026, 10, 19, tzinfo=UTC)
    backend.per_page = 2
    with responses.RequestsMock() as rsps:
        _register_pages(rsps, backend, [[workouts[0], broken], workouts[3:5]], 4)

        pages = list(backend.iter_activities(make_session(), CREDENTIALS, since))

    assert pages == [[workouts[0], broken]]
