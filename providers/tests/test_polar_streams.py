"""Polar exercise FIT files (backends/polar_streams.py)."""

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.polar import PolarBackend
from providers.errors import MalformedPayloadError, ReauthRequiredError
from providers.http import make_session
from providers.streams import StreamRequest

from .stream_fixtures import heart_rate_fit

CREDENTIALS = Credentials(access_token="polar-token", provider_user_id="60000000001")
EXERCISE = StreamRequest("a1b2c3", {"id": "a1b2c3"})


@pytest.fixture
def backend():
    return PolarBackend()


def register(rsps, backend, **kwargs):
    rsps.get(
        f"{backend.api_url}/v3/exercises/a1b2c3/fit",
        match=[matchers.header_matcher({"Authorization": "Bearer polar-token"})],
        **kwargs,
    )


def test_the_exercise_fit_file_is_downloaded_with_our_token_and_parsed(backend, rsps):
    register(rsps, backend, body=heart_rate_fit((101, 103, 104)))

    result = backend.fetch_streams(make_session("polar"), CREDENTIALS, EXERCISE)

    assert result.time_s == [0, 1, 2]
    assert result.heartrate_bpm == [101, 103, 104]


@pytest.mark.parametrize("status", [204, 404])
def test_an_exercise_without_a_file_has_no_series(backend, rsps, status):
    register(rsps, backend, status=status)

    assert backend.fetch_streams(make_session("polar"), CREDENTIALS, EXERCISE) is None


def test_a_garbled_file_is_a_malformed_payload(backend, rsps):
    register(rsps, backend, body=b"<html>oops</html>")

    with pytest.raises(MalformedPayloadError):
        backend.fetch_streams(make_session("polar"), CREDENTIALS, EXERCISE)


def test_a_refused_token_asks_the_athlete_to_reconnect(backend, rsps):
    register(rsps, backend, status=403)

    with pytest.raises(ReauthRequiredError):
        backend.fetch_streams(make_session("polar"), CREDENTIALS, EXERCISE)
