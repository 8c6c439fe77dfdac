"""Benchmark of `manage.py import_legacy` on PostgreSQL (issue 9). Prints only.

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_mine_bench \
        .venv/bin/python bench/legacy_import.py [--scale 0.2] [--batch-size 5000]

Builds a scratch legacy database (<name>_legacy) from the shared schema with 50,000
users, 60,000 connections, 500,000 activities and 200,000 sync logs (times --scale),
generated server-side, and a scratch target database (<name>, the database named in
DATABASE_URL; legacy_bench and trainlytics_bench when it names `postgres`), migrated.
Both are dropped and created again on each run. The import also writes its provenance
(legacy_import_records, one row per connection and sync log); the floor does not.
The floor is the same rows moved by plain SQL into the new schema: COPY out of the
legacy database into unlogged staging tables in the target, then one INSERT ... SELECT
per table into scratch copies of the new tables (same columns, indexes, checks and
foreign keys), with no encryption, normalisation or JSON building. Then each table is
imported for real and compared with its floor.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

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
NEW_TABLES = ("trainlytics_user", "provider_connections", "activities", "sync_history")
# Column mapping only. Rows the new constraints refuse (case-twin emails, owners not
# moved) are dropped, as the import reports and skips them.
FLOOR_INSERTS = {
    "users": [
        "INSERT INTO floor.trainlytics_user (id, password, is_superuser, email,"
        " full_name, is_staff, is_active, date_joined) SELECT id,"
        " coalesce(password_hash, ''), false, email, coalesce(full_name, ''), false,"
        " true, created_at FROM stage.users ON CONFLICT DO NOTHING"
    ],
    "connections": [
        "INSERT INTO floor.provider_connections (user_id, provider, provider_user_id,"
        " access_token, refresh_token, token_expires_at, scopes, provider_profile,"
        " status, status_detail, is_active, created_at, updated_at) SELECT s.user_id,"
        " 'strava', s.strava_athlete_id::text, s.access_token, s.refresh_token,"
        " to_timestamp(s.expires_at), to_jsonb(string_to_array(s.scope, ',')),"
        " coalesce(s.athlete, '{}'), 'active', '', true, s.created_at, s.updated_at"
        " FROM stage.strava_connections s JOIN floor.trainlytics_user u"
        " ON u.id = s.user_id ON CONFLICT DO NOTHING",
        "INSERT INTO floor.provider_connections (user_id, provider, provider_user_id,"
        " access_token, refresh_token, token_expires_at, scopes, provider_profile,"
        " status, status_detail, is_active, created_at, updated_at) SELECT s.user_id,"
        " s.provider, coalesce(s.provider_user_id, ''), coalesce(s.access_token, ''),"
        " s.refresh_token, s.token_expires_at, '[]', coalesce(s.profile, '{}'),"
        " 'active', '', s.is_active, s.connected_at, s.updated_at"
        " FROM stage.user_connections s JOIN floor.trainlytics_user u"
        " ON u.id = s.user_id ON CONFLICT DO NOTHING",
    ],
    "activities": [
        "INSERT INTO floor.activities (user_id, connection_id, provider,"
        " provider_activity_id, sport_type, name, start_time, utc_offset_s,"
        " elapsed_time_s, moving_time_s, distance_m, elevation_gain_m, avg_hr_bpm,"
        " max_hr_bpm, calories_kcal, device_name, activity_data, created_at,"
        " updated_at) SELECT a.user_id, c.id, 'strava', a.strava_activity_id::text,"
        " coalesce(a.type, ''), coalesce(a.name, ''), a.start_date, a.utc_offset,"
        " a.elapsed_time, a.moving_time, a.distance, a.total_elevation_gain,"
        " a.average_heartrate, a.max_heartrate, a.calories, '', coalesce(a.raw, '{}'),"
        " a.created_at, now() FROM stage.activities a JOIN floor.trainlytics_user u"
        " ON u.id = a.user_id LEFT JOIN floor.provider_connections c"
        " ON c.user_id = a.user_id AND c.provider = 'strava'"
    ],
    "sync_logs": [
        "INSERT INTO floor.sync_history (connection_id, sync_type, status, created_at,"
        " started_at, completed_at, duration_s, activities_fetched,"
        " activities_created, activities_updated, activities_skipped, api_calls,"
        " error_message, error_details, cursor, attempts) SELECT c.id, 'scheduled',"
        " CASE s.status WHEN 'ok' THEN 'success' ELSE 'failed' END, s.started_at,"
        " s.started_at, s.finished_at,"
        " extract(epoch FROM s.finished_at - s.started_at), s.activities_synced,"
        " 0, 0, 0, 0, coalesce(s.error, ''), '{}', '', 0 FROM stage.sync_logs s"
        " JOIN floor.provider_connections c ON c.user_id = s.user_id"
        " AND c.provider = 'strava'"
    ],
}
FOREIGN_KEYS_SQL = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
    " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])"
)


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


def model_defaults():
    """(table, column, default) of the new tables' fields with a constant default.

    An ORM insert sends those values; the floor's INSERTs leave them to the table, so
    a field added later does not break the floor.
    """
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.db_table not in NEW_TABLES:
            continue
        for f in model._meta.concrete_fields:
            if f.has_default() and isinstance(f.default, (bool, int, float, str)):
                yield model._meta.db_table, f.column, f.default


def prepare_floor(target_url):
    """Empty copies of the new tables in schema floor, staging tables in stage."""
    with psycopg.connect(target_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA floor")
        conn.execute("CREATE SCHEMA legacy_shape")
        conn.execute("CREATE SCHEMA stage")
        for table in NEW_TABLES:
            conn.execute(
                f"CREATE TABLE floor.{table} (LIKE public.{table} INCLUDING ALL)"
            )
        # LIKE copies no foreign keys; the real tables check theirs, so must the floor.
        keys = conn.execute(FOREIGN_KEYS_SQL, (list(NEW_TABLES),)).fetchall()
        conn.execute("SET search_path TO floor")
        for table, name, definition in keys:
            if all(f"REFERENCES {t}(" not in definition for t in NEW_TABLES):
                continue
            conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for table, column, default in model_defaults():
            conn.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                    sql.Identifier(table), sql.Identifier(column), sql.Literal(default)
                )
            )
        conn.execute("SET search_path TO legacy_shape")
        conn.execute(SCHEMA.read_text())
        for tables in FLOOR_TABLES.values():
            for table in tables:
                conn.execute(
                    f"CREATE UNLOGGED TABLE stage.{table} (LIKE legacy_shape.{table})"
                )


def measure_floor(legacy_url, target_url):
    """Seconds per step to move the legacy rows into the floor tables by plain SQL."""
    prepare_floor(target_url)
    times = {}
    with psycopg.connect(legacy_url) as src, psycopg.connect(target_url) as dst:
        for step, tables in FLOOR_TABLES.items():
            started = time.perf_counter()
            for table in tables:
                with (
                    src.cursor().copy(f"COPY {table} TO STDOUT (FORMAT binary)") as out,
                    dst.cursor().copy(
                        f"COPY stage.{table} FROM STDIN (FORMAT binary)"
                    ) as into,
                ):
                    for block in out:
                        into.write(block)
            for statement in FLOOR_INSERTS[step]:
                dst.execute(statement)
            dst.commit()
            times[step] = time.perf_counter() - started
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, help="default: the command's")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/postgres")
    server, name = url.rsplit("/", 1)
    # A database named in DATABASE_URL is the scratch target (its legacy twin beside
    # it), so benchmarks run side by side do not drop each other's databases.
    target = name if name not in ("", "postgres") else "trainlytics_bench"
    legacy = f"{target}_legacy" if target != "trainlytics_bench" else "legacy_bench"
    legacy_url = recreate(server + "/postgres", legacy)
    target_url = recreate(server + "/postgres", target)
    os.environ["DATABASE_URL"] = target_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainlytics.settings_test")

    import django

    django.setup()
    from django.core.management import call_command

    from sync.legacy.importer import BATCH_SIZE, STEPS, run

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
        batch_size = args.batch_size or BATCH_SIZE
        run(legacy_url, only=[step], batch_size=batch_size, out=lambda line: None)
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
