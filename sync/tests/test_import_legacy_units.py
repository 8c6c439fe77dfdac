"""Pure parts of the legacy activity and sync-log import (run on SQLite too)."""

import pytest

from providers.errors import MalformedPayloadError
from sync.legacy.activities import plan_activity, strava_shape
from sync.legacy.sync_logs import history_fields, scrub
from sync.models import SyncStatus

ROW = {
    "id": 1,
    "strava_activity_id": 42,
    "name": "Run",
    "type": "Run",
    "start_date": 1714545000.0,  # 2024-05-01T06:30:00Z
    "timezone": None,
    "utc_offset": -14400,
    "distance": 5000.0,
    "moving_time": 1500,
    "elapsed_time": 1600,
    "total_elevation_gain": None,
    "average_heartrate": None,
    "max_heartrate": None,
    "calories": None,
}


def test_strava_shape_uses_the_typed_columns_and_derives_local_time():
    shaped, problems = strava_shape(ROW)
    assert shaped["start_date"] == "2024-05-01T06:30:00Z"
    assert shaped["start_date_local"] == "2024-05-01T02:30:00Z"
    assert shaped["has_heartrate"] is False
    assert problems == []


def test_strava_shape_refuses_an_impossible_start():
    with pytest.raises(MalformedPayloadError):
        strava_shape({**ROW, "start_date": float("inf")})


def test_plan_activity_leaves_synced_copies_and_detects_changes():
    assert plan_activity(None, 1, 2, "m") == "create"
    assert plan_activity((1, 2, None), 1, 2, "m") == "synced"
    assert plan_activity((1, 2, "m"), 1, 2, "m") == "unchanged"
    assert plan_activity((1, None, "m"), 1, 2, "m") == "update"


def test_running_logs_become_failed_interrupted_runs():
    row = {
        "id": 5,
        "started_at": 1714545000.0,
        "finished_at": None,
        "status": "running",
        "activities_synced": 0,
        "error": None,
        "digest": "d",
    }
    fields, _ = history_fields(row)
    assert (fields["status"], fields["error_message"]) == (
        SyncStatus.FAILED,
        "interrupted",
    )
    assert fields["error_details"]["legacy_sync_log_id"] == 5
    assert history_fields({**row, "status": "weird"}) == (
        None,
        "unknown status 'weird'",
    )


def test_scrub_removes_tokens_from_legacy_error_messages():
    message = "401 GET /a?access_token=abc.def&page=2 Authorization: Bearer xyz=="
    assert (
        scrub(message) == "401 GET /a?access_token=***&page=2 Authorization: Bearer ***"
    )
