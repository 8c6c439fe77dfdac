"""COROS workout FIT files by their pre-signed `fitUrl` (backends/coros_streams.py)."""

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.coros import CorosBackend
from providers.errors import MalformedPayloadError, TransientProviderError
from providers.http import make_session
from providers.streams import StreamRequest

from .stream_fixtures import heart_rate_fit, no_authorization

CREDENTIALS = Credentials(access_token="coros-token", provider_user_id="open-1")
FIT_URL = "https://oss.coros.example/fit/4001.fit?Expires=1&Signature=abc"


def workout(**fields):
    return StreamRequest("4001", {"labelId": "4001", "fitUrl": FIT_URL, **fields})


@pytest.fixture
def backend():
    return CorosBackend()


def test_the_fit_url_is_fetched_as_given_without_our_token(backend, rsps):
    rsps.get(
        FIT_URL,
        match=[
            matchers.query_param_matcher({"Expires": "1", "Signature": "abc"}),
            no_authorization,
        ],
        body=heart_rate_fit((140, 141)),
    )

    result = backend.fetch_streams(make_session("coros"), CREDENTIALS, workout())

    assert result.heartrate_bpm == [140, 141]
    assert "coros-token" not in rsps.calls[0].request.url


def test_a_workout_without_a_fit_url_has_no_series(backend, rsps):
    manual = workout(fitUrl="")

    assert backend.fetch_streams(make_session("coros"), CREDENTIALS, manual) is None


def test_a_fit_url_that_is_not_http_is_refused(backend, rsps):
    odd = workout(fitUrl="file:///etc/passwd")

    with pytest.raises(MalformedPayloadError, match="not http"):
        backend.fetch_streams(make_session("coros"), CREDENTIALS, odd)


def test_an_expired_link_is_no_series_and_a_storage_failure_is_transient(backend, rsps):
    rsps.get(FIT_URL, status=404)
    assert backend.fetch_streams(make_session("coros"), CREDENTIALS, workout()) is None

    rsps.replace("GET", FIT_URL, status=503)
    with pytest.raises(TransientProviderError):
        backend.fetch_streams(make_session("coros"), CREDENTIALS, workout())
