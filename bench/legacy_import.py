"""Benchmark of `manage.py import_legacy` on PostgreSQL (issue 9). Prints only.

    DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
        .venv/bin/python bench/legacy_import.py [--scale 0.2] [--batch-size 1000]

Builds a scratch legacy database (legacy_bench) from the shared schema with 50,000
users, 60,000 connections, 500,000 activities and 200,000 sync logs (times --scale),
generated server-side, and a scratch target database (trainlytics_bench), migrated.
The floor is the same rows moved by plain SQL: COPY out of the legacy database and
COPY into copies of the legacy tables in the target, no encryption or normalisation.
Then each table is imported for real and compared with its floor.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCHEMA = ROOT.parent / "shared" / "legacy" / "legacy_schema.sql"
COUNTS = {
    "users": 50_000,
    "connections": 60_000,
    "activities": 500_000,
    "logs": 200_000,
}
HASH = "$2b$12$" + "a" * 53
# Server-side generation with the junk the schema notes describe: case-only email
# twins, missing hashes, provider text in any case, unknown providers, empty tokens,
# impossible expiries, odd JSON.
GENERATE = """
INSERT INTO users (email, full_name, password_hash)
SELECT CASE WHEN i %% 100 = 0 THEN 'USER' || (i - 1) || '@Example.com'
            ELSE 'user' || i || '@example.com' END,
       'User ' || i, CASE WHEN i %% 10 = 0 THEN NULL ELSE %(hash)s END
FROM generate_series(1, %(users)s) i;
INSERT INTO strava_connections (user_id, strava_athlete_id, access_token, refresh_token,
    expires_at, scope, athlete, updated_at)
SELECT i, 10000000000 + i, md5('a' || i), md5('r' || i),
       CASE WHEN i %% 50 = 0 THEN 0 ELSE 1893456000 END, 'read,activity:read_all',
       CASE WHEN i %% 7 = 0 THEN NULL ELSE jsonb_build_object('id', i, 'firstname', 'A')
       END, now() - (i || ' minutes')::interval
FROM generate_series(1, %(strava)s) i;
INSERT INTO user_connections (user_id, provider, provider_user_id, access_token,
    refresh_token, token_expires_at, profile)
SELECT i, (ARRAY['garmin', 'GARMIN ', 'Polar', 'coros', 'wahoo', 'fitbit', 'myspace',
                 'Strava'])[i %% 8 + 1],
       'u' || i, CASE WHEN i %% 25 = 0 THEN NULL ELSE md5('u' || i) END, md5('v' || i),
       CASE WHEN i %% 40 = 0 THEN 'infinity'::timestamptz
            ELSE now() + interval '6h' END,
       CASE WHEN i %% 9 = 0 THEN '[1, 2]'::jsonb ELSE '{"id": 1}'::jsonb END
FROM generate_series(1, %(others)s) i;
INSERT INTO activities (user_id, strava_activity_id, name, type, start_date, timezone,
    utc_offset, distance, moving_time, elapsed_time, total_elevation_gain,
    average_heartrate, max_heartrate, calories, raw)
SELECT i %% %(users)s + 1, 2000000000 + i, 'Activity ' || i,
       (ARRAY['Run', 'TrailRun', 'Ride', 'VirtualRide', 'Swim', 'Yoga'])[i %% 6 + 1],
       timestamptz '2020-01-01' + (i || ' minutes')::interval,
       '(GMT+01:00) Europe/Paris', 3600, 10000 + i %% 5000, 3000, 3100, 120.5, 150, 180,
       CASE WHEN i %% 3 = 0 THEN NULL ELSE 600 END,
       CASE WHEN i %% 5 = 0 THEN NULL ELSE '{"type": "junk", "kudos": 3}'::jsonb END
FROM generate_series(1, %(activities)s) i;
INSERT INTO sync_logs (user_id, started_at, finished_at, status, activities_synced,
    error)
SELECT i %% %(users)s + 1, timestamptz '2024-01-01' + (i || ' minutes')::interval,
       timestamptz '2024-01-01' + (i || ' minutes')::interval + interval '30s',
       (ARRAY['ok', 'ok', 'error', 'running'])[i %% 4 + 1], i %% 30,
       CASE WHEN i %% 4 = 2 THEN 'HTTP 500' END
FROM generate_series(1, %(logs)s) i;
ANALYZE;
"""
FLOOR_TABLES = {
    "users": ("users",),
    "connections": ("strava_connections", "user_connections"),
    "activities": ("activities",),
    "sync_logs": ("sync_logs",),
}


def recreate(server_url, name):
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def build_legacy(url, scale):
    n = {key: max(int(value * scale), 10) for key, value in COUNTS.items()}
    params = {
        "hash": HASH,
        "users": n["users"],
        "strava": n["users"] * 4 // 5,
        "others": n["connections"] - n["users"] * 4 // 5,
        "activities": n["activities"],
        "logs": n["logs"],
    }
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SCHEMA.read_text())
        for statement in GENERATE.split(";"):
            if statement.strip():
                conn.execute(statement, params)


def measure_floor(legacy_url, target_url):
    """Seconds per step to COPY the legacy rows into plain copies in the target."""
    with psycopg.connect(target_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA floor")
        conn.execute("SET search_path TO floor")
        conn.execute(SCHEMA.read_text())
    times = {}
    with psycopg.connect(legacy_url) as src, psycopg.connect(target_url) as dst:
        dst.execute("SET search_path TO floor")
        for step, tables in FLOOR_TABLES.items():
            started = time.perf_counter()
            for table in tables:
                with (
                    src.cursor().copy(f"COPY {table} TO STDOUT") as out,
                    dst.cursor().copy(f"COPY {table} FROM STDIN") as into,
                ):
                    for block in out:
                        into.write(block)
            dst.commit()
            times[step] = time.perf_counter() - started
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/postgres")
    legacy_url = recreate(server, "legacy_bench")
    target_url = recreate(server, "trainlytics_bench")
    os.environ["DATABASE_URL"] = target_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainlytics.settings_test")

    import django

    django.setup()
    from django.core.management import call_command

    from sync.legacy.importer import STEPS, run

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_legacy(legacy_url, args.scale)
    print(f"generated legacy data in {time.perf_counter() - started:.1f}s")
    floor = measure_floor(legacy_url, target_url)
    rows = {}
    with psycopg.connect(legacy_url) as conn:
        for step, tables in FLOOR_TABLES.items():
            rows[step] = sum(
                conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables
            )
    header = ("step", "rows", "import s", "rows/s", "floor s", "ratio")
    print(f"{header[0]:<12}" + "".join(f"{h:>10}" for h in header[1:]))
    total_import = 0.0
    for step in STEPS:
        started = time.perf_counter()
        run(legacy_url, only=[step], batch_size=args.batch_size, out=lambda line: None)
        took = time.perf_counter() - started
        total_import += took
        print(
            f"{step:<12}{rows[step]:>10}{took:>10.2f}{rows[step] / took:>10.0f}"
            f"{floor[step]:>10.2f}{took / floor[step]:>10.1f}"
        )
    total_floor = sum(floor.values())
    print(
        f"total: import {total_import:.1f}s, floor {total_floor:.1f}s, "
        f"ratio {total_import / total_floor:.1f} (target <= 4)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB (target <= 300)")


if __name__ == "__main__":
    main()
