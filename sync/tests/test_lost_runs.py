"""A run whose worker died (SIGKILL, OOM, a host lost) is reaped by sync_due, and its
connection is synced again instead of waiting a whole SYNC_INTERVAL (found by
bench/scale.py: the killed worker's connection missed its round)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sync.models import SyncHistory, SyncStatus, SyncType
from sync.services import due_connections, start_sync

HOUR = timedelta(hours=1)


@pytest.fixture
def timing(settings):
    settings.SYNC_JITTER = 0
    settings.SYNC_INTERVAL = HOUR
    settings.SYNC_RUN_TIMEOUT = timedelta(minutes=30)


def lost_run(connection, minutes_ago=31):
    """A scheduled run its worker started `minutes_ago` and never finished."""
    connection.last_sync_at = timezone.now() - 2 * HOUR
    connection.save()
    run = start_sync(connection, SyncType.SCHEDULED)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    SyncHistory.objects.filter(pk=run.pk).update(
        status=SyncStatus.RUNNING, created_at=when, started_at=when
    )
    return run


def sync_due(capture):
    with capture(execute=True):
        call_command("sync_due", stdout=(out := io.StringIO()))
    return out.getvalue()


def test_sync_due_syncs_again_a_connection_whose_run_lost_its_worker(
    connection, fake_backend, timing, django_capture_on_commit_callbacks
):
    lost = lost_run(connection)
    output = sync_due(django_capture_on_commit_callbacks)
    lost.refresh_from_db()
    assert lost.status == SyncStatus.FAILED
    assert lost.error_details["kind"] == "worker_lost"
    again = SyncHistory.objects.exclude(pk=lost.pk).get(connection=connection)
    assert (again.sync_type, again.status) == (SyncType.SCHEDULED, SyncStatus.SUCCESS)
    assert "scheduled 1" in output


def test_a_run_still_within_the_timeout_is_left_running_and_not_doubled(
    connection, fake_backend, timing, django_capture_on_commit_callbacks
):
    lost_run(connection, minutes_ago=10)
    sync_due(django_capture_on_commit_callbacks)
    assert SyncHistory.objects.get().status == SyncStatus.RUNNING


def test_a_run_that_failed_by_itself_still_holds_the_connection_for_the_interval(
    connection, timing
):
    run = lost_run(connection)
    SyncHistory.objects.filter(pk=run.pk).update(
        status=SyncStatus.FAILED, error_details={"kind": "internal"}
    )
    assert list(due_connections()) == []
