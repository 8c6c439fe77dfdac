"""Garmin activity details pulled for one activity (backends/garmin_streams.py)."""

from datetime import UTC, datetime

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.garmin import GarminBackend
from providers.errors import TransientProviderError
from providers.http import make_session
from providers.streams import StreamRequest

CREDENTIALS = Credentials(access_token="garmin-token", provider_user_id="g-1")
START = 1_777_800_000
SUMMARY = {
    "summaryId": "9001",
    "activityId": 9001,
    "startTimeInSeconds": START,
    "durationInSeconds": 3,
}
ACTIVITY = StreamRequest("9001", SUMMARY, datetime.fromtimestamp(START, UTC))


def sample(offset, **fields):
    return {"startTimeInSeconds": START + offset, **fields}


OURS = {
    "summaryId": "9001-detail",
    "activityId": 9001,
    "samples": [
        sample(
            0,
            heartRate=130,
            latitudeInDegree=48.1,
            longitudeInDegree=2.1,
            stepsPerMinute=170,
            totalDistanceInMeters=0.0,
        ),
        sample(
            1,
            heartRate=131,
            latitudeInDegree=48.2,
            longitudeInDegree=2.2,
            stepsPerMinute=172,
            totalDistanceInMeters=3.1,
        ),
    ],
}
SOMEONE_ELSES = {"summaryId": "8000-detail", "activityId": 8000, "samples": []}


@pytest.fixture
def backend():
    return GarminBackend()


def window(rsps, backend, day, body):
    low = START + day * 86400
    rsps.get(
        f"{backend.api_url}/wellness-api/rest/activityDetails",
        match=[
            matchers.query_param_matcher(
                {"uploadStartTimeInSeconds": low, "uploadEndTimeInSeconds": low + 86400}
            ),
            matchers.header_matcher({"Authorization": "Bearer garmin-token"}),
        ],
        json=body,
    )


def test_details_are_pulled_day_by_day_from_the_start_until_ours_turns_up(
    backend, rsps
):
    window(rsps, backend, 0, [SOMEONE_ELSES])
    window(rsps, backend, 1, [SOMEONE_ELSES, OURS])

    result = backend.fetch_streams(make_session("garmin"), CREDENTIALS, ACTIVITY)

    assert result.time_s == [0, 1]
    assert result.heartrate_bpm == [130, 131]
    assert result.latitude == [48.1, 48.2]
    assert result.distance_m == [0.0, 3.1]
    # Steps per minute count both feet; cadence in rpm counts one.
    assert result.cadence_rpm == [85, 86]
    assert result.power_w is None


def test_details_are_matched_by_activity_id_when_the_summary_id_differs(backend, rsps):
    window(rsps, backend, 0, [{**OURS, "summaryId": "other-detail"}])

    result = backend.fetch_streams(make_session("garmin"), CREDENTIALS, ACTIVITY)

    assert result.heartrate_bpm == [130, 131]


def test_an_activity_uploaded_too_late_for_the_windows_has_no_details(backend, rsps):
    window(rsps, backend, 0, [])
    window(rsps, backend, 1, [SOMEONE_ELSES])

    assert backend.fetch_streams(make_session("garmin"), CREDENTIALS, ACTIVITY) is None


def test_an_activity_over_24_hours_has_no_details_and_costs_no_request(backend, rsps):
    long = StreamRequest("9001", {**SUMMARY, "durationInSeconds": 90000})

    assert backend.fetch_streams(make_session("garmin"), CREDENTIALS, long) is None


def test_a_garbled_details_window_is_transient(backend, rsps):
    window(rsps, backend, 0, {"not": "a list"})

    with pytest.raises(TransientProviderError):
        backend.fetch_streams(make_session("garmin"), CREDENTIALS, ACTIVITY)
