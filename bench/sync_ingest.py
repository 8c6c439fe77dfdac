"""Benchmark: a Strava backfill through the real backend and run_sync (issues 4, 10).

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_bench \
        .venv/bin/python bench/sync_ingest.py [--count 20000] [--rss-count 100000]

A loopback HTTP server serves Strava-shaped pages of 200. Measured in one run, first
for the athlete of issue 4 (Strava only), then again once the athlete's Garmin watch
has stored every third session too (DUPLICATE_EVERY), so the backfill groups
cross-provider copies (sync.grouping): our backfill with grouping on and with it off
(ACTIVITY_GROUPING), alternated; a re-sync of the same activities (all updates); a
floor (the same pages fetched with plain requests and written with one psycopg
INSERT ... ON CONFLICT executemany per page); and a naive per-row update_or_create
loop. Then the peak RSS of a separate process doing a larger backfill. It prints
figures; it asserts nothing.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

PER_PAGE = 200
COUNT = 20_000  # activities per backfill (--count)
DUPLICATE_EVERY = 3
START = datetime(2020, 1, 1, 6, 0, tzinfo=UTC)
SPORTS = ("Run", "Ride", "Swim", "Walk", "TrailRun", "VirtualRide")


def strava_item(n):
    # Every three hours or so: real sessions start at any minute and second.
    start = START + timedelta(hours=3 * n, seconds=n * 7919 % 5400)
    return {
        "id": 10_000_000_000 + n,
        "name": f"Activity {n}",
        "sport_type": SPORTS[n % len(SPORTS)],
        "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_date_local": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "elapsed_time": 1800 + n % 3600,
        "moving_time": 1700 + n % 3600,
        "distance": 5000.0 + n % 20000,
        "total_elevation_gain": float(n % 400),
        "has_heartrate": True,
        "average_heartrate": 140.0 + n % 20,
        "max_heartrate": 170.0 + n % 20,
    }


def serve(count):
    """Start the loopback Strava; return its API base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            page, per_page = int(query["page"][0]), int(query["per_page"][0])
            first = (page - 1) * per_page
            items = [strava_item(n) for n in range(first, min(first + per_page, count))]
            body = json.dumps(items).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/api/v3"


def setup_django(api_url):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainlytics.settings_test")
    os.environ["STRAVA_API_URL"] = api_url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (trainlytics_bench).")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_connection():
    from django.utils import timezone

    from providers.models import ProviderConnection
    from providers.tests.factories import make_user
    from sync.models import Activity, SyncHistory
    from trainlytics.models import User

    User.objects.filter(email="bench@example.com").delete()
    Activity.objects.filter(provider="strava").delete()
    SyncHistory.objects.all().delete()
    return ProviderConnection.objects.create(
        user=make_user("bench@example.com"),
        provider="strava",
        provider_user_id="bench-1",
        access_token="bench-access",  # noqa: S106 - a fake token for the fake server
        refresh_token="bench-refresh",  # noqa: S106
        token_expires_at=timezone.now() + timedelta(days=30),
    )


def seed_garmin_copies(connection, count):
    """The Garmin copies of every DUPLICATE_EVERY-th session, already stored."""
    from django.utils import timezone

    from providers.backends.strava import normalize_strava_activity
    from providers.models import ProviderConnection
    from sync.models import Activity

    garmin = ProviderConnection.objects.create(
        user_id=connection.user_id,
        provider="garmin",
        provider_user_id="bench-garmin-1",
        access_token="bench-access",  # noqa: S106 - a fake token, never sent
        refresh_token="bench-refresh",  # noqa: S106
    )
    now = timezone.now()
    copies = []
    for n in range(0, count, DUPLICATE_EVERY):
        values = vars(normalize_strava_activity(strava_item(n))).copy()
        values["provider_activity_id"] = f"garmin-{n}"
        copies.append(
            Activity(
                user_id=connection.user_id,
                connection=garmin,
                provider="garmin",
                created_at=now,
                updated_at=now,
                **values,
            )
        )
    Activity.objects.bulk_create(copies, batch_size=2000)
    return len(copies)


def grouped_sessions():
    from sync.models import ActivityGroup

    return ActivityGroup.objects.count()


def timed(label, count, fn):
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds:8.2f} s  {count / seconds:9.0f} activities/s")
    return seconds


def ours(connection):
    from sync.services import sync_in_foreground

    sync = sync_in_foreground(connection, full=True)
    assert sync.status == "success", (sync.status, sync.error_message)
    return sync


def floor(api_url, connection, count):
    """The same pages with plain requests; one executemany upsert per page."""
    import psycopg
    import requests
    from django.db import connection as db
    from psycopg.types.json import Jsonb

    columns = (
        "user_id, connection_id, provider, provider_activity_id, sport_type, name, "
        "start_time, utc_offset_s, elapsed_time_s, moving_time_s, distance_m, "
        "elevation_gain_m, avg_hr_bpm, max_hr_bpm, calories_kcal, device_name, "
        "activity_data, created_at, updated_at"
    )
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in columns.split(", ")
        if c not in ("provider", "provider_activity_id", "created_at")
    )
    sql = (
        f"INSERT INTO activities ({columns}) VALUES ({', '.join(['%s'] * 19)}) "
        f"ON CONFLICT (provider, provider_activity_id) DO UPDATE SET {updates}"
    )
    params = db.get_connection_params()
    session = requests.Session()
    now = datetime.now(UTC)
    with psycopg.connect(**params) as conn:
        page = 1
        while True:
            items = session.get(
                f"{api_url}/athlete/activities",
                params={"after": 0, "page": page, "per_page": PER_PAGE},
                timeout=20,
            ).json()
            rows = [
                (
                    connection.user_id,
                    connection.pk,
                    "strava",
                    str(a["id"]),
                    "run",
                    a["name"],
                    datetime.fromisoformat(a["start_date"]),
                    7200,
                    a["elapsed_time"],
                    a["moving_time"],
                    a["distance"],
                    a["total_elevation_gain"],
                    a["average_heartrate"],
                    a["max_heartrate"],
                    None,
                    "",
                    Jsonb(a),
                    now,
                    now,
                )
                for a in items
            ]
            if rows:
                with conn.cursor() as cur:
                    cur.executemany(sql, rows)
                conn.commit()
            if len(items) < PER_PAGE:
                return
            page += 1


def naive(api_url, connection):
    import requests

    from providers.backends.strava import normalize_strava_activity
    from sync.models import Activity

    session = requests.Session()
    page = 1
    while True:
        items = session.get(
            f"{api_url}/athlete/activities",
            params={"after": 0, "page": page, "per_page": PER_PAGE},
            timeout=20,
        ).json()
        for raw in items:
            data = normalize_strava_activity(raw)
            values = vars(data).copy()
            Activity.objects.update_or_create(
                provider="strava",
                provider_activity_id=values.pop("provider_activity_id"),
                defaults={
                    **values,
                    "user_id": connection.user_id,
                    "connection": connection,
                },
            )
        if len(items) < PER_PAGE:
            return
        page += 1


def clear():
    from sync.models import Activity, ActivityGroup

    Activity.objects.filter(provider="strava").delete()
    ActivityGroup.objects.all().delete()
    vacuum()


def vacuum():
    """What autovacuum does between syncs in production. It is off on some servers
    (this machine's), and each phase would then pay for the dead rows of the last."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE activities, activity_groups")


def main_rss(count):
    """Child process: one backfill of `count`; print peak RSS in MB."""
    api_url = serve(count)
    setup_django(api_url)
    sync = ours(bench_connection())
    print(f"{sync.activities_created} {peak_kb() / 1024:.1f}")


def peak_kb():
    """This process's own peak RSS. Linux's ru_maxrss carries the parent's peak over
    fork and exec (signal->maxrss), so a child of a large parent would report the
    parent's; VmHWM belongs to the process's own memory map."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def on_and_off(connection, rounds=5):
    """Backfills with grouping on and off, alternated; the fastest of each counts,
    since the machine is shared. Returns (on s, off s, groups made)."""
    from django.test.utils import override_settings

    on, off = [], []
    for _ in range(rounds):
        on.append(timed("  backfill, grouping on", COUNT, lambda: ours(connection)))
        groups = grouped_sessions()
        clear()
        with override_settings(ACTIVITY_GROUPING=False):
            off.append(
                timed("  backfill, grouping off", COUNT, lambda: ours(connection))
            )
        clear()
    return min(on), min(off), groups


def overhead(on_s, off_s):
    return f"{(on_s / off_s - 1) * 100:+5.1f} %"


def main(count, rss_count):
    api_url = serve(count)
    setup_django(api_url)
    connection = bench_connection()
    print(f"{count} Strava activities, pages of {PER_PAGE}, PostgreSQL, loopback HTTP")
    clear()
    print("A: the athlete has only Strava (issue 4's backfill)")
    ours_s, off_s, _ = on_and_off(connection)
    ours(connection)
    vacuum()
    resync_s = timed("  re-sync (all updates)", count, lambda: ours(connection))
    clear()
    garmin = seed_garmin_copies(connection, count)
    clear()
    print(f"B: {garmin} of the sessions are also stored as Garmin copies")
    dup_s, dup_off_s, groups = on_and_off(connection)
    floor_s = timed(
        "floor backfill (executemany)", count, lambda: floor(api_url, connection, count)
    )
    floor_update_s = timed(
        "floor re-sync (all updates)", count, lambda: floor(api_url, connection, count)
    )
    clear()
    naive_s = timed(
        "naive update_or_create loop", count, lambda: naive(api_url, connection)
    )
    clear()
    print(f"B: grouped sessions after the backfill: {groups} (expected {garmin})")
    print(f"grouping overhead, A   {overhead(ours_s, off_s)}  (target <= 20 %)")
    print(f"grouping overhead, B   {overhead(dup_s, dup_off_s)}")
    print(f"backfill / floor       {ours_s / floor_s:5.2f}x   (A; target <= 2.0x)")
    print(f"                       {dup_s / floor_s:5.2f}x   (B)")
    print(f"re-sync / floor        {resync_s / floor_s:5.2f}x   (A; target <= 2.5x)")
    print(f"re-sync / floor re-sync {resync_s / floor_update_s:5.2f}x  (A)")
    print(f"naive / backfill       {naive_s / ours_s:5.1f}x faster (A; target >= 10x)")
    print(f"                       {naive_s / dup_s:5.1f}x faster (B)")
    # The child measures its backfill alone: what this run left (scenario B's Garmin
    # copies) is deleted here, not in the child, whose peak would include it.
    from sync.models import Activity

    Activity.objects.filter(user_id=connection.user_id).delete()
    child = subprocess.run(  # noqa: S603 - runs this very script
        [sys.executable, __file__, "--rss-child", str(rss_count)],
        capture_output=True,
        text=True,
        check=True,
    )
    created, peak_mb = child.stdout.split()
    print(f"peak RSS, {created} activity backfill: {peak_mb} MB (target <= 200 MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rss-count", type=int, default=100_000)
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    COUNT = args.count
    if args.rss_child:
        main_rss(args.rss_child)
    else:
        main(args.count, args.rss_count)
