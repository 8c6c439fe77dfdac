"""Benchmark: thousands of scheduled syncs drained by several db_worker processes
sharing one PostgreSQL, then the same with a worker killed mid-drain (issue 18).

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_scale \
        .venv/bin/python bench/scale.py [--connections 2000] [--workers 4] [--quick]

Creates a scratch database (trainlytics_scale on that server, dropped at the end;
BENCH_KEEP_DB=1 keeps it after a FAIL) and a loopback server speaking all six
providers' shapes (bench/scale_server.py). Athletes have one to three connections,
each with 5-20 sessions inside its window, and every connection is due (synced a day
ago). Phase 1: `sync_due` enqueues them all while the workers poll; the bench waits
for the queue to drain. Phase 2: a day later (the bench ages the rows), one new
session each, another round; once a tenth of it is done one worker is SIGKILLed
during a run and a replacement started; after the drain, `sync_due` with a short
SYNC_RUN_TIMEOUT reaps what the dead worker held, and its connection must still sync.

Prints runs/s, p50/p99 from enqueue to done, the oldest ready task's age, CPU by
party, and PASS/FAIL lines; exits non-zero on any FAIL.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scale_report import report_phase
from scale_server import PROVIDERS, Fleet, Limits, serve
from webhooks import start

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "trainlytics_scale"
DRAIN_LIMIT_S = 1200
SETTINGS = """
from trainlytics.settings_test import *  # noqa
# The database queue, as production runs it, and persistent connections.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa
# The providers are a plain-http loopback server; the tokens never run out, so no
# OAuth call (the one place DEBUG would matter) is made.
SILENCED_SYSTEM_CHECKS = ["providers.E001", "sandbox.W001"]
"""


def database(base, action):
    import psycopg

    admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        if action == "create":
            conn.execute(f"CREATE DATABASE {SCRATCH}")


def environment(base, provider_url):
    modules = tempfile.mkdtemp(prefix="bench-scale-")
    Path(modules, "bench_scale_settings.py").write_text(SETTINGS)
    return modules, {
        **os.environ,
        "DATABASE_URL": urlunsplit(urlsplit(base)._replace(path=f"/{SCRATCH}")),
        "DJANGO_SETTINGS_MODULE": "bench_scale_settings",
        "PYTHONPATH": f"{modules}:{ROOT}",
        # Every provider's endpoints at the loopback server, under sandbox paths.
        "PROVIDER_SANDBOX": "true",
        "PROVIDER_SANDBOX_URL": provider_url,
        "LOG_LEVEL": "WARNING",
    }


def setup_django(env, modules):
    os.environ.update(env)
    sys.path[:0] = [modules, str(ROOT)]
    import django

    django.setup()


def seed(fleet, connections):
    """Athletes with one to three connections each; every connection due."""
    from django.utils import timezone
    from scale_server import athlete

    from providers.models import ProviderConnection
    from providers.sandbox.data import provider_user_id
    from providers.tests.factories import make_user

    now = timezone.now()
    rows, n, user_number = [], 0, 0
    while n < connections:
        user = make_user(f"scale{user_number}@example.com")
        for offset in range(min(1 + user_number % 3, connections - n)):
            slug = PROVIDERS[(user_number + offset) % len(PROVIDERS)]
            rows.append(
                ProviderConnection(
                    user=user,
                    provider=slug,
                    provider_user_id=provider_user_id(slug, athlete(n)),
                    access_token=f"bench-{slug}-{n}",
                    refresh_token=f"bench-refresh-{slug}-{n}",
                    token_expires_at=now + timedelta(days=30),
                    last_sync_at=now - timedelta(days=1),
                )
            )
            fleet.add_sessions(slug, n, 5 + (n * 7919) % 16, now, "p1")
            n += 1
        user_number += 1
    ProviderConnection.objects.bulk_create(rows, batch_size=500)
    return user_number


def vacuum():
    """What autovacuum would do between rounds (it is off on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def start_worker(env, logs, number):
    log = open(Path(logs, f"worker{number}.log"), "w")  # noqa: SIM115 - kept open
    command = [sys.executable, "manage.py", "db_worker", "--interval", "1"]
    command += ["--no-reload", "--worker-id", f"bench-w{number}"]
    process = start(command, env, log)
    process.number, process.log_path = number, log.name
    return process


def wait_started(workers, limit=60):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if all("Starting worker" in Path(w.log_path).read_text() for w in workers):
            return
        time.sleep(0.2)
    sys.exit("the workers did not start; see " + workers[0].log_path)


def active_runs():
    from sync.models import ACTIVE_SYNC_STATUSES, SyncHistory

    return SyncHistory.objects.filter(status__in=ACTIVE_SYNC_STATUSES)


def wait_until(done, limit=DRAIN_LIMIT_S, every=0.5):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(every)
    return False


def enqueue(**settings):
    """`manage.py sync_due` in this process; its summary line."""
    import io

    from django.core.management import call_command
    from django.test.utils import override_settings

    out = io.StringIO()
    with override_settings(**settings):
        call_command("sync_due", stdout=out)
    return out.getvalue().splitlines()[0]


def run_phase(label, workers, during=None):
    """Enqueue every due connection and wait for the drain; return the watch."""
    from django.utils import timezone
    from scale_watch import Watch

    began = timezone.now()
    watch = Watch(workers, SCRATCH).start()
    started = time.monotonic()
    summary = enqueue()
    print(f"{label}: sync_due in {time.monotonic() - started:.1f} s: {summary}")
    drained = wait_until(lambda: (during and during()) or not active_runs().exists())
    watch.stop()
    return began, watch, drained


def age_one_day():
    """A day passes: runs move back a day, connections were synced a day ago."""
    from django.db.models import F
    from django.utils import timezone

    from providers.models import ProviderConnection
    from sync.models import SyncHistory

    day = timedelta(days=1)
    SyncHistory.objects.update(created_at=F("created_at") - day)
    ProviderConnection.objects.update(last_sync_at=timezone.now() - day)


class Killer:
    """Phase 2's saboteur: SIGKILLs a worker in the middle of a run, once a tenth of
    the round is done, and starts a replacement."""

    def __init__(self, workers, env, logs, total):
        from django.utils import timezone

        self.workers, self.env, self.logs, self.total = workers, env, logs, total
        self.victim = self.lost_task = None
        self.since = timezone.now()

    def __call__(self):
        """True once the round is drained but for what the dead worker held."""
        from django_tasks_db.models import DBTaskResult

        from sync.models import SyncHistory

        if self.victim is not None:
            return self.held()
        done = SyncHistory.objects.filter(
            created_at__gte=self.since, completed_at__isnull=False
        )
        if done.count() < self.total / 10:
            return False
        for task in DBTaskResult.objects.filter(status="RUNNING"):
            for worker in self.workers:
                if (
                    f"bench-w{worker.number}" in task.worker_ids
                    and worker.poll() is None
                ):
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait()
                    self.victim, self.lost_task = worker, task
                    replacement = start_worker(
                        self.env, self.logs, len(self.workers) + 1
                    )
                    self.workers.append(replacement)
                    print(
                        f"phase 2: SIGKILLed worker {worker.number} during task "
                        f"{task.id} (run #{task.args_kwargs['args'][0]}); started "
                        f"worker {replacement.number}"
                    )
                    return False
        return False

    def held(self):
        """Only what the dead worker held is left: nothing ready, nothing running
        elsewhere, the remaining active runs unchanged for two seconds."""
        from django_tasks_db.models import DBTaskResult

        # Nothing waiting, not even for a budget window; the dead worker's task row
        # stays RUNNING.
        tasks = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        if tasks.count() > 1:
            return False
        before = list(active_runs().values_list("pk", "status"))
        time.sleep(2)
        return before == list(active_runs().values_list("pk", "status"))


def reap(killer):
    """The reaper path: sync_due with a short SYNC_RUN_TIMEOUT once the dead worker's
    run is all that is left; then the drain of whatever it re-enqueued."""
    if killer.victim is None:
        print("phase 2: no worker was caught in a run; nothing to reap")
        return ""
    summary = enqueue(SYNC_RUN_TIMEOUT=1, SYNC_PENDING_GRACE=1)
    print(f"phase 2: reaper pass: {summary}")
    wait_until(lambda: not active_runs().exists(), limit=120)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="120 connections")
    parser.add_argument("--strava-limit", default="1000,10000", help="15-min,daily")
    parser.add_argument(
        "--wahoo-limit", default="20,60,1000,5000", help="s,short,h,day"
    )
    args = parser.parse_args()
    connections = 120 if args.quick else args.connections
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (trainlytics_scale).")
    limits = Limits(
        strava=tuple(int(v) for v in args.strava_limit.split(",")),
        wahoo=tuple(int(v) for v in args.wahoo_limit.split(",")),
    )
    fleet = Fleet(limits)
    provider_url, _ = serve(fleet)
    database(base, "create")
    modules, env = environment(base, provider_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    setup_django(env, modules)
    users = seed(fleet, connections)
    vacuum()
    print(
        f"{connections} connections of {users} athletes, {args.workers} db_worker "
        f"processes, one PostgreSQL; {os.cpu_count()} CPUs, shared"
    )
    workers = [start_worker(env, modules, n + 1) for n in range(args.workers)]
    failures = []
    try:
        wait_started(workers)
        began, watch, drained = run_phase("phase 1", workers)
        failures += report_phase("phase 1", began, watch, drained, fleet)
        age_one_day()
        from django.utils import timezone

        now = timezone.now()
        for slug, n in list(fleet.sessions):
            fleet.add_sessions(slug, n, 1, now, "p2")
        vacuum()
        killer = Killer(workers, env, modules, connections)  # before the round
        began, watch, drained = run_phase("phase 2", workers, during=killer)
        reap(killer)
        failures += report_phase("phase 2", began, watch, drained, fleet, killer)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    from django.db import connections as db

    db.close_all()
    if not failures or not os.environ.get("BENCH_KEEP_DB"):
        database(base, "drop")
    else:
        print(f"kept {SCRATCH}; worker logs in {modules}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
