import threading
import time

import pytest
from django.db import connection as db_connection

from providers.tests.factories import make_connection
from sync.models import SyncHistory, SyncStatus, SyncType
from sync.services import SyncInProgressError, request_new_sync, request_sync

from .fakes import raw_page


def test_request_sync_enqueues_the_run_only_after_commit(
    connection, fake_backend, django_capture_on_commit_callbacks
):
    fake_backend.pages = [raw_page(1, 2)]
    with django_capture_on_commit_callbacks() as callbacks:
        sync = request_sync(connection, SyncType.MANUAL)
        assert sync.status == SyncStatus.PENDING
        assert fake_backend.since_seen == []
    assert len(callbacks) == 1
    callbacks[0]()
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCESS
    assert sync.activities_created == 2


def test_asking_again_returns_the_active_run_and_enqueues_nothing(
    connection, fake_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = request_sync(connection, SyncType.MANUAL)
        second = request_sync(connection, SyncType.SCHEDULED)
    assert second.pk == first.pk
    assert len(callbacks) == 1
    assert SyncHistory.objects.count() == 1


def test_a_new_run_may_be_requested_once_the_last_one_finished(
    connection, fake_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_sync(connection, SyncType.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        second = request_sync(connection, SyncType.MANUAL)
    assert second.pk != first.pk
    assert SyncHistory.objects.filter(status=SyncStatus.SUCCESS).count() == 2


class GatedPages(list):
    """Pages the run may read only once the gate opens: the run cannot finish
    (and a late thread cannot legitimately start a second one) before every
    other thread has had its answer."""

    def __init__(self, pages, gate):
        super().__init__(pages)
        self.gate = gate

    def __iter__(self):
        assert self.gate.wait(timeout=30), "the gate never opened"
        return super().__iter__()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_requesting_one_connection_run_it_exactly_once(
    user, fake_backend
):
    connection = make_connection(user)
    gate = threading.Event()
    fake_backend.pages = GatedPages([raw_page(1, 3)], gate)
    barrier = threading.Barrier(20)
    returned = []

    def worker():
        try:
            barrier.wait()
            returned.append(request_sync(connection, SyncType.MANUAL).pk)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    # The thread that started the run executes it (immediate tasks) and waits at
    # the gate; the other nineteen must all be handed that same run.
    deadline = time.monotonic() + 30
    while len(returned) < 19 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in threads:
        thread.join()

    sync = SyncHistory.objects.get()
    assert returned == [sync.pk] * 20
    assert sync.status == SyncStatus.SUCCESS
    assert len(fake_backend.since_seen) == 1


def test_request_new_sync_refuses_while_a_run_is_active_and_carries_it(
    connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = request_new_sync(connection, SyncType.MANUAL)
        with pytest.raises(SyncInProgressError) as refused:
            request_new_sync(connection, SyncType.MANUAL)
    assert refused.value.sync == first
    assert len(callbacks) == 1  # only the first run was enqueued
