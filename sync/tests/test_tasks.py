from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django_tasks_db.models import DBTaskResult

from providers.errors import TransientProviderError
from providers.tests.factories import make_connection
from sync import tasks
from sync.models import SyncHistory, SyncStatus, SyncType
from sync.services import request_sync, start_sync

from .fakes import raw_page

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_sync_connection_task_runs_the_sync_by_id(connection, fake_backend):
    fake_backend.pages = [raw_page(1, 2)]
    sync = start_sync(connection, SyncType.MANUAL)
    tasks.sync_connection.enqueue(sync.pk)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCESS


def test_sync_due_task_schedules_due_connections(connection, fake_backend):
    tasks.sync_due_connections.enqueue()
    assert SyncHistory.objects.get().sync_type == SyncType.SCHEDULED


def test_a_retry_is_enqueued_for_later_on_a_deferring_backend(
    connection, fake_backend, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.SYNC_RETRY_DELAY = timedelta(minutes=2)
    fake_backend.pages = [raw_page(1, 1), TransientProviderError("strava: timeout")]
    sync = start_sync(connection, SyncType.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sync_connection.call(sync.pk)
    sync.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [sync.pk], "kwargs": {}}
    assert queued.run_after == sync.next_attempt_at


@pytest.mark.django_db(transaction=True)
def test_db_worker_executes_an_enqueued_sync(user, fake_backend, settings):
    settings.TASKS = DATABASE_TASKS
    assert task_backends["default"].supports_defer
    connection = make_connection(user)
    fake_backend.pages = [raw_page(1, 3)]
    sync = request_sync(connection, SyncType.MANUAL)
    assert DBTaskResult.objects.count() == 1
    sync.refresh_from_db()
    assert sync.status == SyncStatus.PENDING

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCESS
    assert sync.activities_created == 3
