from datetime import timedelta

import pytest
from django.utils import timezone

from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.services import run_sync, start_sync

from .fakes import raw_activity, raw_page


def run(connection, **kwargs):
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk, **kwargs)
    sync.refresh_from_db()
    return sync


def test_run_sync_stores_every_page_and_records_counts(connection, fake_backend):
    fake_backend.pages = [raw_page(1, 3), raw_page(4, 2)]
    sync = run(connection)
    assert sync.status == SyncStatus.SUCCESS
    assert (sync.activities_fetched, sync.activities_created) == (5, 5)
    assert (sync.activities_updated, sync.activities_skipped) == (0, 0)
    assert sync.api_calls == 2 and sync.attempts == 1
    assert sync.completed_at is not None and sync.duration_s >= 0
    stored = Activity.objects.filter(connection=connection)
    assert stored.count() == 5
    assert set(stored.values_list("user", flat=True)) == {connection.user_id}


def test_activity_fields_come_from_the_normalised_item(connection, fake_backend):
    fake_backend.pages = [[raw_activity(7, distance=5012.5, name="Tempo")]]
    run(connection)
    activity = Activity.objects.get()
    assert activity.provider == "strava"
    assert activity.provider_activity_id == "fake-7"
    assert (activity.name, activity.distance_m, activity.elapsed_time_s) == (
        "Tempo",
        5012.5,
        1807,
    )
    assert activity.activity_data["id"] == "fake-7"


def test_a_second_run_creates_nothing_and_updates_what_it_fetches(
    connection, fake_backend
):
    fake_backend.pages = [raw_page(1, 3)]
    run(connection)
    fake_backend.pages = [[raw_activity(1, name="Renamed"), *raw_page(2, 2)]]
    second = run(connection)
    assert (second.activities_created, second.activities_updated) == (0, 3)
    assert Activity.objects.count() == 3
    assert Activity.objects.get(provider_activity_id="fake-1").name == "Renamed"


def test_first_sync_fetches_as_far_back_as_the_provider_allows(
    connection, fake_backend
):
    run(connection)
    assert fake_backend.since_seen == [None]


def test_later_syncs_look_back_from_the_last_sync(connection, fake_backend, settings):
    settings.SYNC_LOOKBACK = timedelta(days=2)
    last = timezone.now() - timedelta(hours=5)
    connection.last_sync_at = last
    connection.save()
    sync = run(connection)
    assert fake_backend.since_seen == [last - timedelta(days=2)]
    assert sync.window_start == last - timedelta(days=2)


def test_lookback_setting_may_be_seconds(connection, fake_backend, settings):
    settings.SYNC_LOOKBACK = 3600
    last = timezone.now() - timedelta(hours=5)
    connection.last_sync_at = last
    connection.save()
    run(connection)
    assert fake_backend.since_seen == [last - timedelta(hours=1)]


def test_a_full_sync_ignores_the_last_sync(connection, fake_backend):
    connection.last_sync_at = timezone.now()
    connection.save()
    run(connection, full=True)
    assert fake_backend.since_seen == [None]


def test_success_moves_last_sync_to_when_fetching_began(connection, fake_backend):
    fake_backend.pages = [raw_page(1, 1)]
    sync = run(connection)
    connection.refresh_from_db()
    assert connection.last_sync_at == sync.window_end
    assert sync.window_end <= sync.completed_at


def test_malformed_items_are_skipped_counted_and_the_run_is_partial(
    connection, fake_backend
):
    fake_backend.pages = [[raw_activity(1), raw_activity(2, broken=True)]]
    sync = run(connection)
    assert sync.status == SyncStatus.PARTIAL
    assert (sync.activities_fetched, sync.activities_skipped) == (2, 1)
    assert sync.activities_created == 1
    assert sync.error_details["skipped"] == [
        {"id": "fake-2", "reason": "MalformedPayloadError: fake item fake-2: broken"}
    ]
    connection.refresh_from_db()
    assert connection.last_sync_at == sync.window_end


@pytest.mark.parametrize(
    "bad", [{"start": "yesterday"}, {"seconds": -5}, {"id": "x" * 300}]
)
def test_items_the_database_would_refuse_are_skipped(connection, fake_backend, bad):
    fake_backend.pages = [[raw_activity(1), raw_activity(2, **bad)]]
    sync = run(connection)
    assert (sync.activities_created, sync.activities_skipped) == (1, 1)


def test_skipped_reasons_are_capped_but_all_are_counted(connection, fake_backend):
    fake_backend.pages = [[raw_activity(n, broken=True) for n in range(30)]]
    sync = run(connection)
    assert sync.activities_skipped == 30
    assert len(sync.error_details["skipped"]) == 20


def test_an_item_repeated_within_a_page_is_stored_once(connection, fake_backend):
    fake_backend.pages = [[raw_activity(1), raw_activity(1, name="Later copy")]]
    sync = run(connection)
    assert sync.activities_created == 1
    assert Activity.objects.get().name == "Later copy"


def test_progress_is_reported_after_each_page(connection, fake_backend):
    fake_backend.pages = [raw_page(1, 2), raw_page(3, 1)]
    seen = []
    run(connection, progress=lambda number, stats: seen.append((number, stats)))
    assert [(n, s["activities_created"]) for n, s in seen] == [(1, 2), (2, 3)]


def test_a_run_executes_once_however_often_it_is_delivered(connection, fake_backend):
    fake_backend.pages = [raw_page(1, 2)]
    sync = start_sync(connection, SyncType.MANUAL)
    assert run_sync(sync.pk) is not None
    assert run_sync(sync.pk) is None
    assert len(fake_backend.since_seen) == 1
    assert SyncHistory.objects.get().activities_created == 2


def test_a_run_waiting_for_its_next_attempt_is_not_claimed(connection, fake_backend):
    sync = start_sync(connection, SyncType.MANUAL)
    later = timezone.now() + timedelta(minutes=5)
    SyncHistory.objects.filter(pk=sync.pk).update(next_attempt_at=later)
    assert run_sync(sync.pk) is None
    sync.refresh_from_db()
    assert sync.status == SyncStatus.PENDING
    assert fake_backend.since_seen == []


def test_an_expiring_token_is_refreshed_before_fetching(connection, fake_backend):
    connection.token_expires_at = timezone.now() + timedelta(seconds=10)
    connection.save()
    run(connection)
    assert fake_backend.tokens_seen == ["fresh-access"]


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"status": "revoked"}, {"status": "error"}]
)
def test_a_switched_off_connection_is_not_fetched(connection, fake_backend, change):
    for name, value in change.items():
        setattr(connection, name, value)
    connection.save()
    sync = run(connection)
    assert sync.status == SyncStatus.FAILED
    assert sync.error_details["kind"] == "connection_unavailable"
    assert fake_backend.since_seen == []


def test_metrics_that_are_not_finite_numbers_are_stored_as_missing(
    connection, fake_backend
):
    # Python's JSON parser accepts NaN and Infinity; neither measures anything.
    fake_backend.pages = [
        [raw_activity(1, distance=float("nan")), raw_activity(2, distance=float("inf"))]
    ]
    sync = run(connection)
    assert (sync.activities_created, sync.activities_skipped) == (2, 0)
    assert list(Activity.objects.values_list("distance_m", flat=True)) == [None, None]
