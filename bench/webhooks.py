"""Benchmark: webhook acknowledgement under load, and exactly-once processing (issue 7).

    DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
        .venv/bin/python bench/webhooks.py [--posts 1000] [--clients 20]

Creates a scratch database (trainlytics_bench_webhooks, dropped at the end), starts
gunicorn (2 workers x 4 threads) on a loopback port and one db_worker, then sends
Wahoo `workout_summary` events from concurrent clients: a tenth of them are
redeliveries of events already sent. Wahoo events carry the summary, so no provider
HTTP is needed. Checks 0 errors and that every distinct event was stored and
processed once (events, activities and webhook runs all equal the distinct count),
and prints p50/p99 acknowledgement times. Bounded: fixed count, 180 s drain limit.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "trainlytics_bench_webhooks"
TOKEN = "bench-webhook-token"  # noqa: S105 - the bench sets it for its own server
ATHLETES = 50
DRAIN_LIMIT_S = 180
WARM_UP = 40

# The test settings with the database queue, as production runs it.
SETTINGS = """
from trainlytics.settings_test import *  # noqa
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Persistent connections, as production should run (a new PostgreSQL connection per
# request costs more than the webhook itself).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa
"""


def scratch_url(base):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{SCRATCH}"))


def recreate_database(base):
    import psycopg

    admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH}")
    return admin


def drop_database(admin):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(n, athlete):
    start = f"2026-10-{1 + n % 28:02d}T{6 + n % 12:02d}:00:00.000Z"
    workout = {
        "id": 500_000_000 + n,
        "starts": start,
        "minutes": 45,
        "name": f"Workout {n}",
        "workout_type_id": n % 2,
        "created_at": start,
        "updated_at": start,
    }
    summary = {
        "id": 600_000_000 + n,
        "distance_accum": str(10000.0 + n),
        "duration_total_accum": "2700.0",
        "duration_active_accum": "2600.0",
        "heart_rate_avg": "141.0",
        "calories_accum": "650.0",
        "updated_at": start,
        "workout": workout,
    }
    return {
        "event_type": "workout_summary",
        "webhook_token": TOKEN,
        "user": {"id": 70_000 + athlete},
        "workout_summary": summary,
    }


def setup_django(env):
    os.environ.update(env)
    sys.path[:0] = [env["BENCH_MODULES"], str(ROOT)]
    import django

    django.setup()


def create_athletes():
    from providers.tests.factories import make_connection, make_user

    for n in range(ATHLETES):
        user = make_user(f"bench{n}@example.com")
        make_connection(user, "wahoo", provider_user_id=str(70_000 + n))


def send_all(port, path, bodies, clients):
    """POST every body from `clients` threads, each on its own keep-alive
    connection; return (seconds, ok) per request. http.client keeps the client's
    own CPU use small: it shares the machine with the server it measures."""
    local = threading.local()
    headers = {"Content-Type": "application/json"}

    def post(body):
        data = json.dumps(body).encode()
        began = time.perf_counter()
        try:
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            local.conn.request("POST", path, body=data, headers=headers)
            response = local.conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            local.conn, ok = None, False
        return time.perf_counter() - began, ok

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(post, bodies))


def wait_for_drain():
    from django_tasks_db.models import DBTaskResult

    from sync.models import WebhookEvent, WebhookStatus

    deadline = time.monotonic() + DRAIN_LIMIT_S
    while time.monotonic() < deadline:
        waiting = WebhookEvent.objects.filter(status=WebhookStatus.RECEIVED).count()
        queued = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if waiting == 0 and queued == 0:
            return True
        time.sleep(0.5)
    return False


def count_outcome():
    from sync.models import Activity, SyncHistory, WebhookEvent

    return {
        "events": WebhookEvent.objects.filter(provider="wahoo").count(),
        "processed": WebhookEvent.objects.filter(status="processed").count(),
        "activities": Activity.objects.filter(provider="wahoo").count(),
        "webhook runs": SyncHistory.objects.filter(sync_type="webhook").count(),
    }


def start(command, env, log, nice=0):
    return subprocess.Popen(  # noqa: S603 - our own gunicorn and manage.py
        command,
        preexec_fn=lambda: os.nice(nice),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(url, limit=30):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (any database on it).")
    admin = recreate_database(base)
    modules = tempfile.mkdtemp(prefix="bench-webhooks-")
    Path(modules, "bench_webhooks_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url(base),
        "DJANGO_SETTINGS_MODULE": "bench_webhooks_settings",
        "PYTHONPATH": f"{modules}:{ROOT}",
        "BENCH_MODULES": modules,
        "WAHOO_WEBHOOK_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 - this checkout's manage.py
        [python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    setup_django(env)
    create_athletes()

    port = free_port()
    log = open(Path(modules, "servers.log"), "w")  # noqa: SIM115 (closed below)
    gunicorn = [str(Path(python).parent / "gunicorn"), "trainlytics.wsgi"]
    server = start(
        [*gunicorn, "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"], env, log
    )
    # The worker runs at lower priority, as it should in production: on a small
    # machine, acknowledging within the provider's deadline matters more than how
    # soon the activity appears.
    worker = start(
        [python, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"],
        env,
        log,
        nice=10,
    )
    try:
        path = "/webhooks/wahoo/"
        wait_until_up(f"http://127.0.0.1:{port}{path}")
        distinct = args.posts - args.posts // 10
        bodies = [event(n, n % ATHLETES) for n in range(distinct)]
        bodies += [bodies[n * 9 % distinct] for n in range(args.posts - distinct)]
        # Warm up: the first requests of each worker import the views and URLconf
        # and open its threads' database connections. These events are extra
        # workouts, counted in the totals below but not in the timings.
        warm = [event(n, n % ATHLETES) for n in range(-WARM_UP, 0)]
        send_all(port, path, warm, args.clients)
        began = time.perf_counter()
        results = send_all(port, path, bodies, args.clients)
        sent_s = time.perf_counter() - began
        drained = wait_for_drain()
        drain_s = time.perf_counter() - began
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=30)
        log.close()

    times = sorted(t * 1000 for t, _ in results)
    errors = sum(1 for _, ok in results if not ok)
    outcome = count_outcome()
    print(
        f"{len(results)} POSTs ({distinct} distinct) from {args.clients} clients, "
        f"after {WARM_UP} warm-up events"
    )
    print(f"sent in {sent_s:.1f} s; all processed after {drain_s:.1f} s: {drained}")
    print(f"errors: {errors}")
    print(json.dumps(outcome))
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"ack p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 <= 200 ms)")
    print("slowest:", ", ".join(f"{t:.0f}" for t in times[-12:]))
    exact = all(value == distinct + WARM_UP for value in outcome.values())
    print("lost or doubled events: " + ("0" if exact else "SOME — see counts above"))
    from django.db import connections

    connections.close_all()
    ok = errors == 0 and exact and drained and p99 <= 200
    if ok or not os.environ.get("BENCH_KEEP_DB"):
        drop_database(admin)
    else:
        print(f"kept {SCRATCH} and {modules}/servers.log for a look")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
