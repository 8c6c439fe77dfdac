"""Fitbit on the Google Health API (providers.md §7): quirks beyond the contract."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.fitbit import FitbitBackend
from providers.errors import MalformedPayloadError
from providers.http import make_session
from providers.sports import SportType

PAYLOADS = Path(__file__).parent / "payloads"
CREDENTIALS = Credentials(
    access_token="fitbit-token",
    refresh_token="fitbit-refresh",
    provider_user_id="5d2c7e9a4b1f4c0e9a7b3c2d1e0f9a8b",
)
BEARER = matchers.header_matcher({"Authorization": "Bearer fitbit-token"})
POINT = "users/me/dataTypes/exercise/dataPoints/"


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def point(suffix):
    return next(p for p in load("fitbit_exercises.json") if p["name"].endswith(suffix))


@pytest.fixture
def backend():
    return FitbitBackend()


def test_normalize_converts_millimetres_and_duration_strings(backend):
    result = backend.normalize(point("0001"))

    assert result.provider_activity_id == POINT + "7771000000000000001"
    assert result.sport_type == SportType.RUN
    assert result.name == "Run"
    assert result.start_time == datetime(2026, 10, 24, 7, 0, tzinfo=UTC)
    assert result.utc_offset_s == 7200
    assert result.elapsed_time_s == 3150
    assert result.moving_time_s == 3000
    assert result.distance_m == 10050.0
    assert result.elevation_gain_m == 42.5
    assert result.avg_hr_bpm == 151.0
    assert result.max_hr_bpm is None
    assert result.calories_kcal == 640.5
    assert result.device_name == "Pixel Watch 3"
    assert result.activity_data == point("0001")


@pytest.mark.parametrize(
    ("suffix", "start", "offset"),
    [
        ("0001", datetime(2026, 10, 24, 7, 0, tzinfo=UTC), 7200),
        ("0002", datetime(2026, 10, 25, 9, 15, tzinfo=UTC), 3600),
    ],
)
def test_normalize_offsets_follow_the_paris_dst_change(backend, suffix, start, offset):
    result = backend.normalize(point(suffix))

    assert result.start_time == start
    assert result.utc_offset_s == offset


def test_normalize_leaves_heart_rate_missing_when_not_measured(backend):
    result = backend.normalize(point("0002"))

    assert result.sport_type == SportType.RIDE
    assert result.avg_hr_bpm is None
    assert result.distance_m == 45210.5
    assert result.elevation_gain_m == 380.0


def test_normalize_keeps_a_manual_entry_without_distance_or_device(backend):
    result = backend.normalize(point("0003"))

    assert result.sport_type == SportType.STRENGTH
    assert result.distance_m is None
    assert result.elevation_gain_m is None
    assert result.calories_kcal == 310.0
    assert result.device_name is None
    assert result.name is None


def test_normalize_maps_an_unknown_type_to_other_with_fractional_times(backend):
    result = backend.normalize(point("0004"))

    assert result.sport_type == SportType.OTHER
    assert result.start_time == datetime(2026, 10, 21, 16, 0, 0, 500000, tzinfo=UTC)
    assert result.elapsed_time_s == 3600
    assert result.moving_time_s == 3551
    assert result.activity_data["exercise"]["exerciseType"] == "PICKLEBALL"


@pytest.mark.parametrize(
    ("index", "reason"),
    [(0, "no startTime"), (1, "no name"), (2, "bad activeDuration")],
)
def test_normalize_rejects_malformed_points_with_a_reason(backend, index, reason):
    raw = load("fitbit_exercises_malformed.json")[index]

    with pytest.raises(MalformedPayloadError, match=reason):
        backend.normalize(raw)


def test_fetch_account_reads_the_health_user_id(backend):
    identity = load("fitbit_identity.json")
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"{backend.api_url}/v4/users/me/identity", json=identity, match=[BEARER]
        )

        account = backend.fetch_account(CREDENTIALS)

    assert account.provider_user_id == identity["healthUserId"]
    assert account.profile == identity


def _register_refresh(rsps, backend, body):
    rsps.post(
        backend.refresh_endpoint,
        json=body,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": "fitbit-refresh",
                    "client_id": "fitbit-client-id",
                    "client_secret": "fitbit-client-secret",
                }
            )
        ],
    )


def test_refresh_without_a_new_refresh_token_reports_it_unchanged(backend):
    with responses.RequestsMock() as rsps:
        _register_refresh(rsps, backend, {"access_token": "new", "expires_in": 3599})

        tokens = backend.refresh(CREDENTIALS)

    assert tokens.access_token == "new"
    assert tokens.refresh_token is None


def test_refresh_passes_on_a_new_refresh_token_when_google_sends_one(backend):
    body = {"access_token": "new", "expires_in": 3599, "refresh_token": "rotated"}
    with responses.RequestsMock() as rsps:
        _register_refresh(rsps, backend, body)

        tokens = backend.refresh(CREDENTIALS)

    assert tokens.refresh_token == "rotated"


def test_revoke_falls_back_to_the_access_token_without_a_refresh_token(backend):
    credentials = Credentials(access_token="fitbit-token")
    with responses.RequestsMock() as rsps:
        rsps.post(
            backend.revoke_endpoint,
            match=[matchers.urlencoded_params_matcher({"token": "fitbit-token"})],
        )

        backend.revoke(credentials)


def _register_list(rsps, backend, body, params):
    rsps.get(
        f"{backend.api_url}/v4/users/me/dataTypes/exercise/dataPoints",
        json=body,
        match=[BEARER, matchers.query_param_matcher(params)],
    )


def test_iter_activities_filters_on_start_time_and_follows_page_tokens(backend):
    points = load("fitbit_exercises.json")
    since = datetime(2026, 10, 20, 6, 30, tzinfo=UTC)
    query = {
        "pageSize": "100",
        "filter": 'exercise.interval.start_time >= "2026-10-20T06:30:00Z"',
    }
    with responses.RequestsMock() as rsps:
        _register_list(
            rsps, backend, {"dataPoints": points[:3], "nextPageToken": "t2"}, query
        )
        _register_list(
            rsps, backend, {"dataPoints": points[3:]}, query | {"pageToken": "t2"}
        )
        http = make_session("fitbit")

        pages = list(backend.iter_activities(http, CREDENTIALS, since))

    assert pages == [points[:3], points[3:]]
    assert http.calls == 2


def test_iter_activities_without_since_sends_no_filter_and_skips_empty_pages(backend):
    with responses.RequestsMock() as rsps:
        _register_list(rsps, backend, {}, {"pageSize": "100"})

        pages = list(backend.iter_activities(make_session(), CREDENTIALS, None))

    assert pages == []
