"""Strava quirks (providers.md §2); the shared behaviour is in the contract suite."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.strava import StravaBackend, normalize_strava_activity
from providers.errors import MalformedPayloadError, TransientProviderError
from providers.http import make_session
from providers.sports import SportType

PAYLOADS = Path(__file__).parent / "payloads"
CREDENTIALS = Credentials(access_token="strava-token", provider_user_id="48213377")
BEARER = matchers.header_matcher({"Authorization": "Bearer strava-token"})


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def activity(activity_id):
    items = load("strava_activities.json")
    return next(item for item in items if item["id"] == activity_id)


@pytest.fixture
def backend():
    return StravaBackend()


def test_normalize_maps_a_summary_run_in_our_units():
    result = normalize_strava_activity(activity(15000000001))

    assert result.provider_activity_id == "15000000001"
    assert result.sport_type == SportType.RUN
    assert result.name == "Saturday long run"
    assert result.start_time == datetime(2026, 10, 24, 7, 30, tzinfo=UTC)
    assert result.utc_offset_s == 7200
    assert result.elapsed_time_s == 3725
    assert result.moving_time_s == 3600
    assert result.distance_m == 10234.5
    assert result.elevation_gain_m == 85.0
    assert result.avg_hr_bpm == 148.3
    assert result.max_hr_bpm == 171.0
    assert result.calories_kcal is None
    assert result.device_name is None
    assert result.activity_data == activity(15000000001)


def test_normalize_reads_start_date_local_as_wall_time_not_utc():
    raw = activity(15000000001)

    result = normalize_strava_activity(raw)

    assert raw["start_date_local"] == "2026-10-24T09:30:00Z"
    assert result.start_time.hour == 7


@pytest.mark.parametrize(
    ("activity_id", "start", "offset"),
    [
        (15000000001, datetime(2026, 10, 24, 7, 30, tzinfo=UTC), 7200),
        (15000000002, datetime(2026, 10, 25, 8, 0, tzinfo=UTC), 3600),
    ],
)
def test_normalize_offsets_follow_the_paris_dst_change(activity_id, start, offset):
    result = normalize_strava_activity(activity(activity_id))

    assert result.start_time == start
    assert result.utc_offset_s == offset


def test_normalize_falls_back_to_utc_offset_without_local_time():
    raw = activity(15000000002)
    del raw["start_date_local"]

    assert normalize_strava_activity(raw).utc_offset_s == 3600


def test_normalize_leaves_heart_rate_missing_when_there_was_no_monitor():
    result = normalize_strava_activity(activity(15000000003))

    assert result.sport_type == SportType.TREADMILL_RUN
    assert result.avg_hr_bpm is None
    assert result.max_hr_bpm is None
    assert result.distance_m == 8000.0


def test_normalize_ignores_heart_rate_values_when_has_heartrate_is_false():
    raw = activity(15000000003) | {"average_heartrate": 0.0, "max_heartrate": 0.0}

    result = normalize_strava_activity(raw)

    assert result.avg_hr_bpm is None
    assert result.max_hr_bpm is None


def test_normalize_stores_a_manual_entry_without_distance_as_missing():
    result = normalize_strava_activity(activity(15000000004))

    assert result.sport_type == SportType.YOGA
    assert result.elapsed_time_s == 3600
    assert result.distance_m is None
    assert result.avg_hr_bpm is None
    assert result.activity_data["manual"] is True


def test_normalize_maps_an_unknown_sport_to_other_and_keeps_the_payload():
    result = normalize_strava_activity(activity(15000000005))

    assert result.sport_type == SportType.OTHER
    assert result.activity_data["sport_type"] == "Kitesurf"


def test_normalize_falls_back_to_type_when_sport_type_is_absent():
    result = normalize_strava_activity(activity(15000000006))

    assert result.sport_type == SportType.RIDE
    assert result.elevation_gain_m == 31.4


def test_normalize_reads_calories_and_device_from_a_detailed_activity():
    result = normalize_strava_activity(load("strava_activity_detailed.json"))

    assert result.sport_type == SportType.GRAVEL_RIDE
    assert result.calories_kcal == 1893.5
    assert result.device_name == "Garmin Edge 840"
    assert result.utc_offset_s == 3600


@pytest.mark.parametrize(
    ("index", "reason"),
    [(0, "no start_date"), (1, "no id"), (2, "bad start_date")],
)
def test_normalize_rejects_malformed_items_with_a_reason(index, reason):
    raw = load("strava_activities_malformed.json")[index]

    with pytest.raises(MalformedPayloadError, match=reason):
        normalize_strava_activity(raw)


def test_backend_normalize_is_the_shared_function(backend):
    raw = activity(15000000002)

    assert backend.normalize(raw) == normalize_strava_activity(raw)


def test_granted_scopes_come_from_the_redirect_scope_parameter(backend):
    granted = backend.granted_scopes({"scope": "read,activity:read"}, token=None)

    assert granted == ["read", "activity:read"]


def test_granted_scopes_are_empty_when_the_redirect_names_none(backend):
    assert backend.granted_scopes({"code": "abc"}, token=None) == []


@pytest.mark.parametrize(
    ("granted", "missing"),
    [
        (["read", "activity:read_all"], []),
        (["read", "activity:read"], []),
        (["read"], ["activity:read"]),
    ],
)
def test_sync_needs_activity_read_which_read_all_implies(backend, granted, missing):
    assert backend.missing_scopes(granted) == missing


def test_fetch_account_uses_the_athlete_endpoint(backend):
    athlete = load("strava_athlete.json")
    with responses.RequestsMock() as rsps:
        rsps.get(f"{backend.api_url}/athlete", json=athlete, match=[BEARER])

        account = backend.fetch_account(CREDENTIALS)

    assert account.provider_user_id == "48213377"
    assert account.profile == athlete


def _register_page(rsps, backend, page, items, after):
    rsps.get(
        f"{backend.api_url}/athlete/activities",
        json=items,
        match=[
            BEARER,
            matchers.query_param_matcher(
                {"after": str(after), "page": str(page), "per_page": "3"},
                strict_match=False,
            ),
        ],
    )


def test_iter_activities_pages_until_a_short_page(backend):
    items = load("strava_activities.json")
    since = datetime(2026, 10, 1, tzinfo=UTC)
    backend.per_page = 3
    before_call = int(datetime.now(UTC).timestamp())
    with responses.RequestsMock() as rsps:
        _register_page(rsps, backend, 1, items[:3], int(since.timestamp()))
        _register_page(rsps, backend, 2, items[3:5], int(since.timestamp()))
        http = make_session("strava")

        pages = list(backend.iter_activities(http, CREDENTIALS, since))

        sent_before = int(rsps.calls[0].request.params["before"])
    assert pages == [items[:3], items[3:5]]
    assert http.calls == 2
    assert before_call <= sent_before <= int(datetime.now(UTC).timestamp())


def test_iter_activities_stops_at_an_empty_page_after_a_full_one(backend):
    items = load("strava_activities.json")
    backend.per_page = 3
    with responses.RequestsMock() as rsps:
        _register_page(rsps, backend, 1, items[:3], 0)
        _register_page(rsps, backend, 2, [], 0)

        pages = list(backend.iter_activities(make_session(), CREDENTIALS, None))

    assert pages == [items[:3]]


def test_iter_activities_treats_a_non_list_page_as_transient(backend):
    with responses.RequestsMock() as rsps:
        rsps.get(f"{backend.api_url}/athlete/activities", json={"message": "?"})

        with pytest.raises(TransientProviderError):
            list(backend.iter_activities(make_session(), CREDENTIALS, None))
