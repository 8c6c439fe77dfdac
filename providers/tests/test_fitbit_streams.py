"""Google Health exercise TCX exports (backends/fitbit_streams.py)."""

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.fitbit import SCOPE_LOCATION, FitbitBackend
from providers.errors import ProviderError
from providers.http import make_session
from providers.streams import StreamRequest

CREDENTIALS = Credentials(access_token="google-token", provider_user_id="1234")
NAME = "users/1234/dataTypes/exercise/dataPoints/2026443605080188808"
EXERCISE = StreamRequest(NAME, {"name": NAME})
TCX = b"""<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="Other"><Lap><Track>
<Trackpoint><Time>2026-05-03T07:30:00Z</Time><HeartRateBpm><Value>99</Value></HeartRateBpm></Trackpoint>
<Trackpoint><Time>2026-05-03T07:30:01Z</Time><HeartRateBpm><Value>101</Value></HeartRateBpm></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>"""


@pytest.fixture
def backend():
    return FitbitBackend()


def register(rsps, backend, **kwargs):
    rsps.get(
        f"{backend.api_url}/v4/users/me/dataTypes/exercise/dataPoints/"
        "2026443605080188808:exportExerciseTcx",
        match=[
            matchers.query_param_matcher({"alt": "media", "partialData": "true"}),
            matchers.header_matcher({"Authorization": "Bearer google-token"}),
        ],
        **kwargs,
    )


def test_the_exercise_is_exported_as_raw_tcx_for_the_me_alias(backend, rsps):
    register(rsps, backend, body=TCX)

    result = backend.fetch_streams(make_session("fitbit"), CREDENTIALS, EXERCISE)

    assert result.time_s == [0, 1]
    assert result.heartrate_bpm == [99, 101]
    assert result.latitude is None


def test_the_backend_asks_for_the_location_scope_but_does_not_require_it(backend):
    assert SCOPE_LOCATION in backend.scopes
    assert SCOPE_LOCATION not in backend.required_scopes


def test_an_unknown_exercise_has_no_series(backend, rsps):
    register(rsps, backend, status=404, json={"error": {"code": 404}})

    assert backend.fetch_streams(make_session("fitbit"), CREDENTIALS, EXERCISE) is None


def test_a_grant_without_location_is_refused_by_google(backend, rsps):
    register(rsps, backend, status=403, json={"error": {"status": "PERMISSION_DENIED"}})

    with pytest.raises(ProviderError) as refused:
        backend.fetch_streams(make_session("fitbit"), CREDENTIALS, EXERCISE)
    assert refused.value.status == 403
