"""Strava activity streams (backends/strava_streams.py)."""

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.strava import StravaBackend
from providers.errors import MalformedPayloadError, RateLimitedError
from providers.http import make_session
from providers.streams import StreamRequest

CREDENTIALS = Credentials(access_token="strava-token", provider_user_id="71")
ACTIVITY = StreamRequest("12345", {"id": 12345, "manual": False})
KEYS = "time,latlng,distance,altitude,heartrate,velocity_smooth,cadence,watts"


def stream(data):
    return {"data": data, "series_type": "distance", "original_size": len(data)}


@pytest.fixture
def backend():
    return StravaBackend()


def register(rsps, backend, **kwargs):
    rsps.get(
        f"{backend.api_url}/activities/12345/streams",
        match=[
            matchers.query_param_matcher({"keys": KEYS, "key_by_type": "true"}),
            matchers.header_matcher({"Authorization": "Bearer strava-token"}),
        ],
        **kwargs,
    )


def test_streams_are_asked_for_by_type_and_latlng_is_split(backend, rsps):
    register(
        rsps,
        backend,
        json={
            "time": stream([0, 1, 2]),
            "latlng": stream([[48.1, 2.1], [48.2, 2.2], [48.3, 2.3]]),
            "heartrate": stream([120, 121, 123]),
            "velocity_smooth": stream([3.1, 3.2, 3.3]),
        },
    )

    result = backend.fetch_streams(make_session("strava"), CREDENTIALS, ACTIVITY)

    assert result.time_s == [0, 1, 2]
    assert result.latitude == [48.1, 48.2, 48.3]
    assert result.longitude == [2.1, 2.2, 2.3]
    assert result.heartrate_bpm == [120, 121, 123]
    assert result.speed_m_s == [3.1, 3.2, 3.3]
    # Streams the activity lacks are left out by Strava, and None here.
    assert result.power_w is None and result.altitude_m is None


def test_a_manual_activity_has_no_streams_and_costs_no_request(backend, rsps):
    manual = StreamRequest("12345", {"id": 12345, "manual": True})

    assert backend.fetch_streams(make_session("strava"), CREDENTIALS, manual) is None


def test_an_activity_strava_does_not_know_has_no_streams(backend, rsps):
    register(rsps, backend, status=404, json={"message": "Record Not Found"})

    assert backend.fetch_streams(make_session("strava"), CREDENTIALS, ACTIVITY) is None


def test_streams_without_time_are_no_series(backend, rsps):
    register(rsps, backend, json={"heartrate": stream([120])})

    assert backend.fetch_streams(make_session("strava"), CREDENTIALS, ACTIVITY) is None


def test_streams_of_different_lengths_are_a_malformed_payload(backend, rsps):
    register(rsps, backend, json={"time": stream([0, 1]), "heartrate": stream([120])})

    with pytest.raises(MalformedPayloadError, match="heartrate_bpm"):
        backend.fetch_streams(make_session("strava"), CREDENTIALS, ACTIVITY)


def test_strava_rate_limit_on_streams_is_reported_as_such(backend, rsps):
    register(rsps, backend, status=429, json={"message": "Rate Limit Exceeded"})

    with pytest.raises(RateLimitedError):
        backend.fetch_streams(make_session("strava"), CREDENTIALS, ACTIVITY)
