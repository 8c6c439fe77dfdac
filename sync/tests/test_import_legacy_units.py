"""Parts of the legacy import that need no legacy database (run on SQLite too)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from providers.errors import MalformedPayloadError
from providers.legacy.bulk import copy_models, json_for_copy, uses_copy
from providers.tests.factories import make_connection, make_user
from sync.legacy import writer
from sync.legacy.activities import _activity, normalise, plan_activity, strava_shape
from sync.legacy.sync_logs import history_fields, scrub
from sync.models import Activity, SyncStatus
from sync.services.activities import data_values

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


def test_a_legacy_row_with_a_blank_name_and_zero_distance_stores_none():
    row = {**ROW, "name": "  ", "distance": 0.0, "calories": 0, "digest": "d" * 32}
    row.update(created_at=1714545000.0)

    data, _ = normalise(row)

    assert (data.name, data.distance_m, data.calories_kcal) == (None, None, None)
    assert data.utc_offset_s == -14400


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
    assert fields["error_details"] == {}  # the provider payload field: no bookkeeping
    assert history_fields({**row, "status": "weird"}) == (
        None,
        "unknown status 'weird'",
    )


def test_scrub_removes_tokens_from_legacy_error_messages():
    message = "401 GET /a?access_token=abc.def&page=2 Authorization: Bearer xyz=="
    assert (
        scrub(message) == "401 GET /a?access_token=***&page=2 Authorization: Bearer ***"
    )


def legacy_activity_row(connection, **values):
    row = {**ROW, "raw": {"kudos": 3}, "created_at": 1714500000.0, "digest": "m1"}
    row.update(values)
    data, _ = normalise(row)
    now = datetime(2025, 1, 2, tzinfo=UTC)
    # What the import sends: JSON encoded before the write on PostgreSQL.
    as_json = json_for_copy if uses_copy() else dict
    return _activity(data, connection.user_id, connection.pk, row, now, as_json), data


@pytest.mark.django_db
def test_the_legacy_writer_inserts_then_updates_like_the_sync_upsert():
    connection = make_connection(make_user())
    row, data = legacy_activity_row(connection)

    writer.upsert_activities("strava", [row])

    activity = Activity.objects.get()
    assert activity.activity_data == data.activity_data
    assert activity.activity_data["legacy"]["raw"] == {"kudos": 3}
    assert (activity.user_id, activity.connection_id) == (
        connection.user_id,
        connection.pk,
    )
    assert activity.start_time == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert activity.utc_offset_s == -14400 and activity.distance_m == 5000.0
    assert activity.created_at == datetime.fromtimestamp(1714500000, UTC)
    assert activity.is_canonical  # a field the import does not set keeps its default

    renamed, _ = legacy_activity_row(
        connection, name="Renamed", created_at=1, digest="m2"
    )
    writer.upsert_activities("strava", [renamed])

    activity = Activity.objects.get()
    assert activity.name == "Renamed"
    assert activity.activity_data["legacy"]["md5"] == "m2"
    assert activity.created_at == datetime.fromtimestamp(1714500000, UTC)  # kept


@pytest.mark.django_db
def test_a_batch_racing_a_sync_of_the_same_activity_is_merged(monkeypatch):
    connection = make_connection(make_user())
    first, _ = legacy_activity_row(connection, name="Synced meanwhile")
    writer.upsert_activities("strava", [first])
    # The check before the write saw nothing: a sync stored the activity just after.
    monkeypatch.setattr(writer, "stored_activities", lambda ids, first_only: {})
    row, _ = legacy_activity_row(connection, name="From legacy", digest="m2")

    writer.upsert_activities("strava", [row])

    assert list(Activity.objects.values_list("name", flat=True)) == ["From legacy"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_batch_racing_a_sync_keeps_the_copy_the_sync_stored():
    connection = make_connection(make_user())
    row, data = legacy_activity_row(connection, name="From legacy")
    synced = Activity(
        user_id=connection.user_id,
        connection=connection,
        provider="strava",
        **{**data_values(data), "name": "Synced", "activity_data": {"id": 42}},
    )
    synced.save()

    # Planned as new (nothing was stored when the batch was read): the COPY fails.
    writer.upsert_activities("strava", [row], all_new=True)

    assert list(Activity.objects.values_list("name", flat=True)) == ["Synced"]


@pytest.mark.django_db
def test_copied_users_that_conflict_raise_and_leave_the_transaction_usable():
    make_user("taken@example.com")
    User = get_user_model()

    with pytest.raises(IntegrityError), transaction.atomic():
        copy_models(
            User, [User(email="free@example.com"), User(email="taken@example.com")]
        )

    assert list(User.objects.values_list("email", flat=True)) == ["taken@example.com"]


def test_importing_activities_refreshes_the_owners_cached_dashboard(monkeypatch, db):
    from sync.legacy import activities

    bumped = []
    monkeypatch.setattr(activities, "bump_data_version", bumped.append)
    monkeypatch.setattr(activities, "stored_activities", lambda ids: {})
    monkeypatch.setattr(
        activities, "upsert_activities", lambda provider, rows, all_new: None
    )
    rows = [
        {
            "id": 1,
            "user_id": 10,
            "strava_activity_id": 555,
            "name": "Run",
            "type": "Run",
            "start_date": 1780000000.0,
            "timezone": None,
            "utc_offset": 0,
            "distance": 5000.0,
            "moving_time": 1500,
            "elapsed_time": 1600,
            "total_elevation_gain": None,
            "average_heartrate": None,
            "max_heartrate": None,
            "calories": None,
            "raw": None,
            "created_at": 1780000000.0,
            "digest": "d1",
        }
    ]

    class Report:
        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    class Source:
        def count(self, table):
            return len(rows)

        def batches(self, sql, size):
            yield rows
            yield rows  # a second batch of the same owner: still one bump

    activities.import_activities(Source(), Report(), {10: 42}, {42: 7}, 1)
    assert bumped == [42]


@pytest.mark.django_db
def test_copied_connections_store_what_the_orm_stores():
    from providers.fields import Ciphertext, decrypt
    from providers.models import ProviderConnection

    user, other = make_user(), make_user()
    expires = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)

    def fields(user_id):
        return {
            "user_id": user_id,
            "provider": "garmin",
            "provider_user_id": f"acct-{user_id}",
            "access_token": "plain-access",
            "refresh_token": None,
            "token_expires_at": expires,
            "scopes": ["read", "activity:read_all"],
            "provider_profile": {"id": 7, "nested": {"list": [1, 2.5, "é"]}},
            "is_active": False,
        }

    copy_models(ProviderConnection, [ProviderConnection(**fields(user.id))])
    ProviderConnection(**fields(other.id)).save()

    copied, saved = (
        ProviderConnection.objects.get(user_id=u.id) for u in (user, other)
    )
    for name in fields(0):
        if name not in ("user_id", "provider_user_id"):
            assert getattr(copied, name) == getattr(saved, name), name
    assert (copied.status, copied.status_detail) == (saved.status, saved.status_detail)
    stored = ProviderConnection.objects.values_list("access_token", flat=True)
    assert all(decrypt(Ciphertext(token)) == "plain-access" for token in stored)
    assert "plain-access" not in stored


def test_writer_rows_follow_the_column_order():
    legacy = {**ROW, "raw": None, "created_at": 1714500000.0, "digest": "m1"}
    data, _ = normalise(legacy)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    values = _activity(data, 3, 4, legacy, now, dict)
    row = dict(zip(writer.ACTIVITY_COLUMNS, values, strict=True))
    assert row == {
        **data_values(data),
        "user_id": 3,
        "connection_id": 4,
        "provider": "strava",
        "created_at": datetime(2024, 4, 30, 18, 0, tzinfo=UTC),
        "updated_at": now,
    }
