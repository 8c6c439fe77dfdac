"""Wahoo workout summary FIT files (backends/wahoo_streams.py)."""

import pytest

from providers.backends.base import Credentials
from providers.backends.wahoo import WahooBackend
from providers.errors import ProviderError, ReauthRequiredError, TransientProviderError
from providers.http import make_session
from providers.streams import StreamRequest

from .stream_fixtures import fit_bytes, no_authorization

CREDENTIALS = Credentials(access_token="wahoo-token", provider_user_id="880001")
FILE_URL = "https://cdn.wahooligan.example/uploads/workout_file/1/ride.fit"


def workout(summary):
    return StreamRequest("300000001", {"id": 300000001, "workout_summary": summary})


@pytest.fixture
def backend():
    return WahooBackend()


def test_the_summary_file_url_is_fetched_without_our_token(backend, rsps):
    rsps.get(
        FILE_URL,
        match=[no_authorization],
        body=fit_bytes([(0, {"power": 200, "cadence": 90}), (1, {"power": 210})]),
    )

    result = backend.fetch_streams(
        make_session("wahoo"), CREDENTIALS, workout({"file": {"url": FILE_URL}})
    )

    assert result.power_w == [200, 210]
    assert result.cadence_rpm == [90, None]


@pytest.mark.parametrize("summary", [None, {}, {"file": None}, {"file": {}}])
def test_a_workout_without_a_summary_file_has_no_series(backend, rsps, summary):
    assert (
        backend.fetch_streams(make_session("wahoo"), CREDENTIALS, workout(summary))
        is None
    )


def test_a_cdn_failure_is_transient(backend, rsps):
    rsps.get(FILE_URL, status=502)

    with pytest.raises(TransientProviderError):
        backend.fetch_streams(
            make_session("wahoo"), CREDENTIALS, workout({"file": {"url": FILE_URL}})
        )


def test_a_refused_file_link_does_not_ask_the_athlete_to_reconnect(backend, rsps):
    rsps.get(FILE_URL, status=403, body="AccessDenied")

    with pytest.raises(ProviderError) as refused:
        backend.fetch_streams(
            make_session("wahoo"), CREDENTIALS, workout({"file": {"url": FILE_URL}})
        )
    assert not isinstance(refused.value, ReauthRequiredError)
