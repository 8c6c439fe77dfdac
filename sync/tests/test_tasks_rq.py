"""The Redis tasks backend (trainlytics.tasks_rq, on django-tasks-rq): its settings,
what differs from the database queue, and one run end to end on a real Redis.

The end-to-end test needs a Redis at TEST_REDIS_URL (default
redis://127.0.0.1:6379/15: a database of its own, whose RQ keys it deletes). Without
one it is skipped with the reason, unless REQUIRE_REDIS=1 (CI): a failure there.
"""

import importlib
import os
import runpy
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task, task_backends
from django.tasks.backends.dummy import DummyBackend
from django.utils import timezone

from analytics.streams import conf as streams_conf
from analytics.streams.queue import enqueue as enqueue_streams
from providers.tests.factories import make_connection
from sync.models import Activity, SyncStatus, SyncType
from sync.services import request_sync
from sync.services.scheduling import schedule_run

from .fakes import raw_page

RQ_BACKEND = "trainlytics.tasks_rq.RQBackend"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def production_settings(monkeypatch, **env):
    """The settings module's values for this environment (run afresh, not applied)."""
    for name in ("TASKS_BACKEND", "REDIS_URL", "SENTRY_DSN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = Path(django_settings.BASE_DIR) / "trainlytics" / "settings.py"
    return SimpleNamespace(**runpy.run_path(str(path)))


def project_tasks():
    """Every django.tasks Task defined in a tasks.py of the project."""
    base = Path(django_settings.BASE_DIR)
    found = []
    for path in [*base.glob("*/tasks.py"), *base.glob("*/*/tasks.py")]:
        module = importlib.import_module(
            ".".join(path.relative_to(base).with_suffix("").parts)
        )
        found += [value for value in vars(module).values() if isinstance(value, Task)]
    return found


# --- Settings -------------------------------------------------------------------------


def test_the_default_install_needs_neither_redis_nor_rq(monkeypatch):
    values = production_settings(monkeypatch, DEBUG="true")
    assert values.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in values.INSTALLED_APPS
    assert not hasattr(values, "RQ_QUEUES")


def test_the_rq_backend_refuses_to_start_without_redis_url(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL is not set"):
        production_settings(monkeypatch, DEBUG="true", TASKS_BACKEND=RQ_BACKEND)


def test_django_tasks_rqs_own_backend_is_refused_with_the_one_to_use(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match=RQ_BACKEND):
        production_settings(
            monkeypatch,
            DEBUG="true",
            TASKS_BACKEND="django_tasks_rq.RQBackend",
            REDIS_URL="redis://redis.internal:6379/0",
        )


def test_the_rq_backend_puts_every_queue_the_tasks_use_on_redis(monkeypatch):
    values = production_settings(
        monkeypatch,
        DEBUG="true",
        TASKS_BACKEND=RQ_BACKEND,
        REDIS_URL="redis://redis.internal:6379/0",
        SYNC_RUN_TIMEOUT="900",
    )
    assert {"django_rq", "django_tasks_rq"} <= set(values.INSTALLED_APPS)
    assert values.RQ == {"JOB_CLASS": "django_tasks_rq.Job"}
    tasks = project_tasks()
    assert len(tasks) >= 8
    assert {task.queue_name for task in tasks} <= set(values.RQ_QUEUES)
    for queue in values.RQ_QUEUES.values():
        assert queue == {"URL": "redis://redis.internal:6379/0", "DEFAULT_TIMEOUT": 900}


# --- What differs from the database queue ---------------------------------------------


def test_run_after_is_rounded_up_to_the_second_rq_keeps():
    pytest.importorskip("django_tasks_rq", reason="django-tasks-rq is not installed")
    from trainlytics.tasks_rq import round_up_to_second

    late = datetime(2026, 3, 1, 12, 0, 5, 700_000, tzinfo=UTC)
    exact = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)
    assert round_up_to_second(late) == datetime(2026, 3, 1, 12, 0, 6, tzinfo=UTC)
    assert round_up_to_second(exact) == exact


class FifoBackend(DummyBackend):
    """A backend without priorities, as django-tasks-rq is."""

    supports_priority = False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("backend", "expected"),
    [(f"{__name__}.FifoBackend", 0), ("django.tasks.backends.dummy.DummyBackend", 10)],
)
def test_a_stream_fetch_carries_its_priority_only_where_the_backend_has_them(
    settings, backend, expected, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": backend}}
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_streams(SimpleNamespace(pk=7, priority=streams_conf.HIGH))
    (queued,) = task_backends["default"].results
    assert (queued.args, queued.task.priority) == ([7], expected)


# --- End to end on Redis --------------------------------------------------------------


def _unavailable(reason):
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
    pytest.skip(reason)


def in_process_worker_class():
    from rq.worker import SimpleWorker

    class InProcessWorker(SimpleWorker):
        """Jobs run in this process (no fork), and no command channel: its thread
        may keep a burst worker from returning for up to a minute."""

        def subscribe(self):
            pass

    return InProcessWorker


@pytest.fixture
def redis_tasks(settings, monkeypatch):
    """The production settings for TASKS_BACKEND=trainlytics.tasks_rq.RQBackend,
    on an emptied Redis database; yields a function that drains the queue."""
    try:
        import django_rq
        import redis
    except ImportError as exc:
        _unavailable(f"django-tasks-rq is not installed ({exc.name})")
    where = urlsplit(TEST_REDIS_URL)
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        _unavailable(f"no Redis answers at {where.hostname}:{where.port}{where.path}")
    # Test runs side by side in one checkout share the database: one at a time.
    lock = client.lock("trainlytics:tests", timeout=300, blocking_timeout=300)
    assert lock.acquire(), "another test run kept the Redis test database"
    _empty(client)
    values = production_settings(
        monkeypatch, DEBUG="true", TASKS_BACKEND=RQ_BACKEND, REDIS_URL=TEST_REDIS_URL
    )
    settings.TASKS, settings.RQ_QUEUES, settings.RQ = (
        values.TASKS,
        values.RQ_QUEUES,
        values.RQ,
    )
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    worker_class = in_process_worker_class()

    def drain():
        # `rqworker --burst --with-scheduler`, in this process: the test's database
        # and fake provider are the worker's.
        worker = django_rq.get_worker("default", worker_class=worker_class)
        worker.work(burst=True, with_scheduler=True)

    yield drain
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    _empty(client)
    lock.release()


def _empty(client):
    keys = list(client.scan_iter("rq:*"))
    if keys:
        client.delete(*keys)


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_requested_sync_runs_on_an_rq_worker_and_a_deferred_one_waits(
    redis_tasks, user, fake_backend
):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    connection = make_connection(user)
    fake_backend.pages = [raw_page(1, 3)]
    sync = request_sync(connection, SyncType.MANUAL)
    queue = django_rq.get_queue("default")
    (job_id,) = queue.job_ids
    sync.refresh_from_db()
    assert sync.status == SyncStatus.PENDING

    redis_tasks()
    sync.refresh_from_db()
    assert (sync.status, sync.activities_created) == (SyncStatus.SUCCESS, 3)
    assert Activity.objects.filter(connection=connection).count() == 3
    assert task_backends["default"].get_result(job_id).status == "SUCCESSFUL"

    fake_backend.pages = [raw_page(4, 2)]
    later = schedule_run(
        connection, SyncType.SCHEDULED, timezone.now() + timedelta(seconds=2)
    )
    scheduled = ScheduledJobRegistry(queue=queue)
    (deferred_id,) = scheduled.get_job_ids()
    # RQ keeps whole seconds: rounded up, so the job never comes before its run is due.
    due_at = scheduled.get_scheduled_time(deferred_id)
    assert due_at >= later.next_attempt_at
    redis_tasks()
    assert scheduled.get_job_ids() == [deferred_id] and not queue.job_ids
    later.refresh_from_db()
    assert later.status == SyncStatus.PENDING

    time.sleep(max((due_at - timezone.now()).total_seconds(), 0) + 0.1)
    redis_tasks()
    later.refresh_from_db()
    assert (later.status, later.activities_created) == (SyncStatus.SUCCESS, 2)
    assert Activity.objects.filter(connection=connection).count() == 5
    assert not scheduled.get_job_ids() and not queue.job_ids
