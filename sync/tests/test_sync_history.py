import threading
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.db import connection as db_connection

from providers.errors import RateLimitedError
from providers.tests.factories import make_connection
from sync import services
from sync.models import Activity, SyncHistory, SyncStatus, SyncType


@pytest.fixture
def connection(user):
    return make_connection(user, "strava")


def test_start_sync_records_a_pending_run(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    assert run.status == SyncStatus.PENDING
    assert services.get_latest_sync(connection) == run


def test_start_sync_refuses_a_second_run_and_carries_the_existing_one(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    with pytest.raises(services.SyncInProgressError) as excinfo:
        services.start_sync(connection, SyncType.SCHEDULED)
    assert excinfo.value.sync == run
    assert SyncHistory.objects.count() == 1


def test_database_allows_one_active_run_per_connection(connection):
    SyncHistory.objects.create(connection=connection, sync_type="manual")
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncHistory.objects.create(
            connection=connection, sync_type="manual", status=SyncStatus.RUNNING
        )
    # Finished runs do not count.
    SyncHistory.objects.create(
        connection=connection, sync_type="manual", status=SyncStatus.FAILED
    )


def test_a_new_run_may_start_once_the_previous_one_finished(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    services.complete_sync(run, SyncStatus.SUCCESS, {})
    assert services.start_sync(connection, SyncType.MANUAL).pk != run.pk


def test_complete_sync_records_counters_time_and_moves_last_sync(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    stats = {"activities_fetched": 5, "activities_created": 3, "api_calls": 2}
    services.complete_sync(run, SyncStatus.SUCCESS, stats)
    run.refresh_from_db()
    connection.refresh_from_db()
    assert (run.activities_fetched, run.activities_created, run.api_calls) == (5, 3, 2)
    assert run.completed_at is not None and run.duration_s >= 0
    assert connection.last_sync_at == run.completed_at


@pytest.mark.parametrize("status", [SyncStatus.FAILED, SyncStatus.RATE_LIMITED])
def test_failed_runs_do_not_move_last_sync(connection, status):
    run = services.start_sync(connection, SyncType.MANUAL)
    error = RateLimitedError(
        "strava: rate limited", retry_at=datetime(2026, 1, 1, tzinfo=UTC), status=429
    )
    services.complete_sync(run, status, {}, error=error)
    connection.refresh_from_db()
    run.refresh_from_db()
    assert connection.last_sync_at is None
    assert run.error_message == "strava: rate limited"
    assert run.error_details["kind"] == "rate_limited"
    assert run.error_details["http_status"] == 429


def test_partial_success_moves_last_sync(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    services.complete_sync(run, SyncStatus.PARTIAL, {"activities_skipped": 1})
    connection.refresh_from_db()
    assert connection.last_sync_at is not None


def test_complete_sync_rejects_an_unfinished_status(connection):
    run = services.start_sync(connection, SyncType.MANUAL)
    with pytest.raises(ValueError):
        services.complete_sync(run, SyncStatus.RUNNING, {})


def test_history_is_newest_first_and_limited(connection):
    runs = []
    for _ in range(3):
        run = services.start_sync(connection, SyncType.MANUAL)
        runs.append(services.complete_sync(run, SyncStatus.SUCCESS, {}))
    assert services.get_sync_history(connection, limit=2) == runs[::-1][:2]


def test_one_activity_per_provider_id(user, connection):
    fields = {
        "user": user,
        "provider": "strava",
        "provider_activity_id": "987654321",
        "start_time": datetime(2026, 5, 1, 7, 0, tzinfo=UTC),
    }
    Activity.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(**fields)
    Activity.objects.create(**{**fields, "provider": "garmin"})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_start_sync_from_ten_threads_creates_exactly_one_run(user):
    connection = make_connection(user)
    barrier = threading.Barrier(10)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(services.start_sync(connection, SyncType.MANUAL).pk)
        except services.SyncInProgressError as exc:
            outcomes.append(("busy", exc.sync.pk))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert SyncHistory.objects.count() == 1
    run_id = SyncHistory.objects.get().pk
    assert sorted(map(str, outcomes)) == sorted(
        [str(run_id)] + [str(("busy", run_id))] * 9
    )
