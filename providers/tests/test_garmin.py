"""Garmin quirks: permissions, upload windows, backfill, summary normalisation."""

from datetime import UTC, datetime, timedelta

import pytest
from responses import matchers

from providers.backends.base import Credentials, TokenSet
from providers.backends.garmin import GarminBackend, upload_windows
from providers.errors import MalformedPayloadError, ProviderError
from providers.http import make_session
from providers.sports import SportType
from providers.tests.contracts.garmin import CREDENTIALS, bearer, payload

NOW = datetime(2026, 10, 29, 12, 0, tzinfo=UTC)
API = "https://apis.garmin.com/wellness-api/rest"


@pytest.fixture
def backend():
    return GarminBackend()


@pytest.fixture
def credentials():
    return Credentials(**CREDENTIALS)


def epoch(value):
    return str(int(value.timestamp()))


def by_id(items):
    return {item["summaryId"]: item for item in items}


def test_running_summary_normalises_every_field(backend):
    raw = by_id(payload("garmin_activities.json"))["20931245678"]
    activity = backend.normalize(raw)
    assert activity.provider_activity_id == "20931245678"
    assert activity.sport_type == SportType.RUN
    assert activity.name == "Morning Run"
    assert activity.start_time == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert activity.utc_offset_s == 7200
    assert activity.elapsed_time_s == 3125
    assert activity.moving_time_s is None
    assert activity.distance_m == 10012.4
    assert activity.elevation_gain_m == 84.0
    assert activity.avg_hr_bpm == 148
    assert activity.max_hr_bpm == 176
    assert activity.calories_kcal == 712
    assert activity.device_name == "Forerunner 965"
    assert activity.activity_data == raw


def test_starts_either_side_of_the_dst_change_keep_their_own_offsets(backend):
    items = by_id(payload("garmin_activities.json"))
    summer = backend.normalize(items["20931245678"])
    winter = backend.normalize(items["20931245679"])
    # Both read 02:30 on a Paris wall clock, an hour apart in UTC.
    assert summer.start_time + timedelta(seconds=summer.utc_offset_s) == datetime(
        2026, 10, 25, 2, 30, tzinfo=UTC
    )
    assert winter.start_time + timedelta(seconds=winter.utc_offset_s) == datetime(
        2026, 10, 25, 2, 30, tzinfo=UTC
    )
    assert (winter.utc_offset_s, winter.start_time.hour) == (3600, 1)
    assert winter.elapsed_time_s == 5401
    assert winter.sport_type == SportType.RIDE


def test_manual_entry_without_heart_rate_leaves_missing_metrics_none(backend):
    activity = backend.normalize(
        by_id(payload("garmin_activities.json"))["20931245680"]
    )
    assert activity.sport_type == SportType.STRENGTH
    assert activity.activity_data["manual"] is True
    assert activity.elapsed_time_s == 2700
    assert activity.calories_kcal == 250
    for metric in ("distance_m", "elevation_gain_m", "avg_hr_bpm", "max_hr_bpm"):
        assert getattr(activity, metric) is None
    assert activity.device_name is None


def test_v2_activity_types_map_like_their_base_and_unknown_ones_to_other(backend):
    items = by_id(payload("garmin_activities.json"))
    assert backend.normalize(items["20931245681"]).sport_type == SportType.TRAIL_RUN
    assert backend.normalize(items["20931245682"]).sport_type == SportType.OTHER


def test_multisport_parent_and_legs_normalise_separately(backend):
    parent, swim, bike = (
        backend.normalize(r) for r in payload("garmin_multisport.json")
    )
    assert parent.sport_type == SportType.MULTISPORT
    assert parent.activity_data["isParent"] is True
    assert parent.distance_m == 25750.0
    assert (swim.sport_type, bike.sport_type) == (
        SportType.OPEN_WATER_SWIM,
        SportType.RIDE,
    )
    assert swim.activity_data["parentSummaryId"] == parent.provider_activity_id
    assert bike.start_time == datetime(2026, 9, 6, 6, 18, tzinfo=UTC)


def test_summary_without_start_time_is_rejected(backend):
    (raw,) = payload("garmin_malformed.json")
    with pytest.raises(MalformedPayloadError, match=r"20950000001.*startTimeInSeconds"):
        backend.normalize(raw)


def test_summary_without_summary_id_is_rejected(backend):
    raw = payload("garmin_activities.json")[0]
    del raw["summaryId"]
    with pytest.raises(MalformedPayloadError, match="summaryId"):
        backend.normalize(raw)


def test_upload_windows_are_day_slices_in_seconds_from_since_to_now():
    since = NOW - timedelta(hours=50)
    assert upload_windows(since, NOW) == [
        (int(since.timestamp()), int(since.timestamp()) + 86400),
        (int(since.timestamp()) + 86400, int(since.timestamp()) + 2 * 86400),
        (int(since.timestamp()) + 2 * 86400, int(NOW.timestamp())),
    ]


def test_upload_windows_without_since_cover_the_last_day():
    assert upload_windows(None, NOW) == [
        (int(NOW.timestamp()) - 86400, int(NOW.timestamp()))
    ]


def test_incremental_sync_pulls_one_window_per_day_and_no_backfill(
    backend, credentials, rsps
):
    since = NOW - timedelta(hours=30)
    summaries = payload("garmin_activities.json")
    for low, high, body in [
        (since, since + timedelta(days=1), summaries[:2]),
        (since + timedelta(days=1), NOW, summaries[2:]),
    ]:
        rsps.get(
            f"{API}/activities",
            json=body,
            match=[
                bearer(credentials),
                matchers.query_param_matcher(
                    {
                        "uploadStartTimeInSeconds": epoch(low),
                        "uploadEndTimeInSeconds": epoch(high),
                    }
                ),
            ],
        )
    http = make_session("garmin")
    pages = list(backend.iter_activities(http, credentials, since, now=NOW))
    assert [len(page) for page in pages] == [2, 3]
    assert http.calls == 2


def backfill(rsps, credentials, low, high, status):
    rsps.get(
        f"{API}/backfill/activities",
        status=status,
        match=[
            bearer(credentials),
            matchers.query_param_matcher(
                {
                    "summaryStartTimeInSeconds": epoch(low),
                    "summaryEndTimeInSeconds": epoch(high),
                }
            ),
        ],
    )


def test_first_sync_pulls_the_last_day_then_requests_90_days_of_backfill(
    backend, credentials, rsps
):
    rsps.get(
        f"{API}/activities",
        json=payload("garmin_multisport.json"),
        match=[
            bearer(credentials),
            matchers.query_param_matcher(
                {
                    "uploadStartTimeInSeconds": epoch(NOW - timedelta(days=1)),
                    "uploadEndTimeInSeconds": epoch(NOW),
                }
            ),
        ],
    )
    month = timedelta(days=30)
    backfill(rsps, credentials, NOW - 3 * month, NOW - 2 * month, 202)
    backfill(rsps, credentials, NOW - 2 * month, NOW - month, 409)  # asked before
    backfill(rsps, credentials, NOW - month, NOW, 202)
    http = make_session("garmin")
    pages = list(backend.iter_activities(http, credentials, None, now=NOW))
    assert [len(page) for page in pages] == [3]
    assert http.calls == 4


def test_request_backfill_splits_into_30_day_ranges(backend, credentials, rsps):
    start = NOW - timedelta(days=45)
    backfill(rsps, credentials, start, start + timedelta(days=30), 202)
    backfill(rsps, credentials, start + timedelta(days=30), NOW, 202)
    http = make_session("garmin")
    backend.request_backfill(http, credentials, start, NOW)
    assert http.calls == 2


def test_request_backfill_raises_when_garmin_refuses(backend, credentials, rsps):
    start = NOW - timedelta(days=10)
    rsps.get(f"{API}/backfill/activities", status=400, json={"errorMessage": "bad"})
    with pytest.raises(ProviderError) as caught:
        backend.request_backfill(make_session("garmin"), credentials, start, NOW)
    assert caught.value.status == 400


def test_permissions_are_the_granted_scopes_and_activity_export_is_required(
    backend, rsps
):
    token = TokenSet(access_token="garmin-access-fresh", scopes=["PARTNER_READ"])
    rsps.get(
        f"{API}/user/permissions",
        json=["HEALTH_EXPORT"],
        match=[
            matchers.header_matcher({"Authorization": "Bearer garmin-access-fresh"})
        ],
    )
    granted = backend.granted_scopes({}, token)
    assert granted == ["HEALTH_EXPORT"]
    assert backend.missing_scopes(granted) == ["ACTIVITY_EXPORT"]
    assert backend.missing_scopes(["ACTIVITY_EXPORT", "HEALTH_EXPORT"]) == []


def test_fetch_account_records_permissions_in_scopes_and_profile(
    backend, credentials, rsps
):
    rsps.get(f"{API}/user/id", json={"userId": "abc-123"}, match=[bearer(credentials)])
    rsps.get(
        f"{API}/user/permissions",
        json=["ACTIVITY_EXPORT", "WORKOUT_IMPORT"],
        match=[bearer(credentials)],
    )
    account = backend.fetch_account(credentials)
    assert account.provider_user_id == "abc-123"
    assert account.scopes == ["ACTIVITY_EXPORT", "WORKOUT_IMPORT"]
    assert account.profile == {
        "userId": "abc-123",
        "permissions": ["ACTIVITY_EXPORT", "WORKOUT_IMPORT"],
    }


def test_fetch_account_without_user_id_is_an_error(backend, credentials, rsps):
    rsps.get(f"{API}/user/id", json={}, match=[bearer(credentials)])
    with pytest.raises(ProviderError, match="userId"):
        backend.fetch_account(credentials)


def test_tokens_are_refreshed_ten_minutes_before_expiry(backend):
    assert backend.get_refresh_margin() == 600
