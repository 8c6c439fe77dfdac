"""manage.py import_legacy against a real PostgreSQL legacy database (issue 9).

Each test builds a scratch legacy database from the shared schema file on the server
of DATABASE_URL, fills it with the rows it needs and drops it afterwards.
"""

import secrets
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import bcrypt
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from psycopg.types.json import Jsonb

from providers.backends.strava import normalize_strava_activity
from providers.models import ConnectionStatus, LegacyImportRecord, ProviderConnection
from providers.services import upsert_connection
from providers.tests.factories import make_connection, make_user
from sync.legacy import activities as legacy_activities
from sync.models import Activity, SyncHistory
from sync.services.activities import build_activity, upsert_activities

pytestmark = pytest.mark.postgres
SCHEMA = Path(settings.BASE_DIR).parent / "shared" / "legacy" / "legacy_schema.sql"
TABLES = ("users", "strava_connections", "user_connections", "activities", "sync_logs")
JSON_COLUMNS = {"athlete", "profile", "raw"}
CHECKSUM_SQL = (
    "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id)) FROM {table} t"
)
FUTURE = 1893456000  # 2030-01-01, epoch seconds


class Legacy:
    def __init__(self, url):
        self.url = url

    def insert(self, table, **values):
        columns = ", ".join(values)
        marks = ", ".join(["%s"] * len(values))
        params = [
            Jsonb(v) if k in JSON_COLUMNS and v is not None else v
            for k, v in values.items()
        ]
        with psycopg.connect(self.url, autocommit=True) as conn:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608
            return conn.execute(sql, params).fetchone()[0]

    def user(self, email, **values):
        return self.insert("users", email=email, **values)

    def strava(self, user_id, athlete_id, **values):
        values = {
            "access_token": f"s-access-{athlete_id}",
            "refresh_token": f"s-refresh-{athlete_id}",
            "expires_at": FUTURE,
            "scope": "read,activity:read_all",
            "athlete": {"id": athlete_id, "firstname": "Ada"},
            **values,
        }
        return self.insert(
            "strava_connections",
            user_id=user_id,
            strava_athlete_id=athlete_id,
            **values,
        )

    def other(self, user_id, provider, account, **values):
        values = {
            "access_token": f"u-access-{account}",
            "refresh_token": f"u-refresh-{account}",
            "token_expires_at": datetime(2030, 1, 1, tzinfo=UTC),
            **values,
        }
        return self.insert(
            "user_connections",
            user_id=user_id,
            provider=provider,
            provider_user_id=account,
            **values,
        )

    def activity(self, user_id, strava_id, **values):
        values = {
            "name": "Morning run",
            "type": "Run",
            "start_date": datetime(2024, 5, 1, 6, 30, tzinfo=UTC),
            "timezone": "(GMT+01:00) Europe/Paris",
            "utc_offset": 7200,
            "distance": 10000.0,
            "moving_time": 3000,
            "elapsed_time": 3100,
            **values,
        }
        return self.insert(
            "activities", user_id=user_id, strava_activity_id=strava_id, **values
        )

    def sync_log(self, user_id, status, **values):
        values = {"started_at": datetime(2024, 5, 2, 3, 0, tzinfo=UTC), **values}
        return self.insert("sync_logs", user_id=user_id, status=status, **values)

    def checksums(self):
        with psycopg.connect(self.url) as conn:
            return {
                t: conn.execute(CHECKSUM_SQL.format(table=t)).fetchone() for t in TABLES
            }


@pytest.fixture
def legacy(db):
    db_settings = settings.DATABASES["default"]
    server = {
        "host": db_settings["HOST"] or "127.0.0.1",
        "port": db_settings["PORT"] or 5432,
        "user": db_settings["USER"],
        "password": db_settings["PASSWORD"] or None,
    }
    name = f"legacy_test_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    url = f"postgresql://{auth}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SCHEMA.read_text())
    yield Legacy(url)
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run_import(legacy, *args):
    out = StringIO()
    call_command("import_legacy", "--source", legacy.url, *args, stdout=out)
    return out.getvalue()


def counts_line(output, table):
    line = next(
        x for x in output.splitlines() if x.startswith(f"{table} ") and "/" not in x
    )
    return [int(n) for n in line.split()[1:]]


def connection_of(email, provider="strava"):
    return ProviderConnection.objects.get(user__email__iexact=email, provider=provider)


# --- users ---------------------------------------------------------------------------


def test_user_logs_in_with_the_old_bcrypt_password_and_the_hash_is_upgraded(legacy):
    old_hash = bcrypt.hashpw(b"hunter2 but longer", bcrypt.gensalt(12)).decode()
    assert old_hash.startswith("$2b$12$")
    legacy.user("Runner@Example.com", password_hash=old_hash, full_name="Ada Runner")

    run_import(legacy)

    user = get_user_model().objects.get(email="Runner@Example.com")
    assert user.password == f"bcrypt${old_hash}"
    assert user.full_name == "Ada Runner"
    assert authenticate(email="runner@example.com", password="wrong") is None
    assert authenticate(email="runner@example.com", password="hunter2 but longer")
    user.refresh_from_db()
    assert not user.password.startswith("bcrypt$")  # upgraded at that first login
    assert user.check_password("hunter2 but longer")


def test_user_without_a_hash_gets_an_unusable_password(legacy):
    legacy.user("nohash@example.com")
    legacy.user("junkhash@example.com", password_hash="md5:abcdef")

    output = run_import(legacy)

    for email in ("nohash@example.com", "junkhash@example.com"):
        assert not get_user_model().objects.get(email=email).has_usable_password()
    assert "fixed users id=2: password hash is not bcrypt" in output


def test_emails_differing_only_by_case_are_one_user_and_the_oldest_keeps_its_hash(
    legacy, client
):
    first = bcrypt.hashpw(b"first password", bcrypt.gensalt(4)).decode()
    second = bcrypt.hashpw(b"second password", bcrypt.gensalt(4)).decode()
    oldest = legacy.user("Sam@Example.com", password_hash=first)
    younger = legacy.user("sam@example.COM", password_hash=second)
    legacy.strava(younger, 555)

    output = run_import(legacy)

    users = get_user_model().objects.filter(email__iexact="sam@example.com")
    assert [u.email for u in users] == ["Sam@Example.com"]
    assert f"collision users id={younger}: email differs only by case" in output
    assert f"same email as users id={oldest}" in output
    assert client.login(email="sam@example.com", password="first password")
    assert not client.login(email="sam@example.com", password="second password")
    # The younger account's rows go to the surviving user.
    assert connection_of("sam@example.com").provider_user_id == "555"


def test_an_existing_user_is_matched_case_insensitively_and_keeps_its_password(
    legacy,
):
    existing = make_user("kim@example.com", password="new app password")
    legacy.user(
        "KIM@example.com", password_hash=bcrypt.hashpw(b"x", bcrypt.gensalt(4)).decode()
    )

    output = run_import(legacy)

    assert get_user_model().objects.filter(email__iexact="kim@example.com").count() == 1
    existing.refresh_from_db()
    assert existing.check_password("new app password")
    assert counts_line(output, "users") == [0, 0, 1, 0]


# --- connections ---------------------------------------------------------------------


def test_strava_connection_is_imported_with_encrypted_tokens_scopes_and_profile(legacy):
    uid = legacy.user("ada@example.com")
    legacy.strava(uid, 12345678901, scope="read,activity:read_all")

    run_import(legacy)

    connection = connection_of("ada@example.com")
    assert connection.provider_user_id == "12345678901"
    assert connection.access_token == "s-access-12345678901"
    assert connection.refresh_token == "s-refresh-12345678901"
    assert connection.token_expires_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert connection.scopes == ["read", "activity:read_all"]
    assert connection.provider_profile["firstname"] == "Ada"
    assert connection.status == ConnectionStatus.ACTIVE
    stored = ProviderConnection.objects.values_list("access_token", flat=True).get()
    assert "s-access" not in stored


def test_provider_text_is_normalised_and_unknown_providers_are_skipped(legacy):
    uid = legacy.user("bo@example.com")
    legacy.other(uid, "GARMIN ", "g-1")
    legacy.other(uid, " Polar", "p-1")
    myspace = legacy.other(uid, "myspace", "m-1")

    output = run_import(legacy)

    providers = set(
        ProviderConnection.objects.filter(user__email="bo@example.com").values_list(
            "provider", flat=True
        )
    )
    assert providers == {"garmin", "polar"}
    assert (
        f"skipped user_connections id={myspace}: unknown provider 'myspace'" in output
    )


def test_the_most_recently_updated_usable_row_wins_for_one_user_and_provider(legacy):
    uid = legacy.user("cy@example.com")
    old = legacy.strava(uid, 42, updated_at=datetime(2023, 1, 1, tzinfo=UTC))
    legacy.other(
        uid,
        "Strava",
        "42",
        access_token="live-token",
        updated_at=datetime(2024, 1, 1, tzinfo=UTC),
    )

    output = run_import(legacy)

    assert connection_of("cy@example.com").access_token == "live-token"
    assert (
        f"skipped strava_connections id={old}: older row for the same user and provider"
        in output
    )


def test_a_row_without_a_usable_token_never_overrides_an_older_usable_one(legacy):
    uid = legacy.user("di@example.com")
    legacy.strava(uid, 43, updated_at=datetime(2023, 1, 1, tzinfo=UTC))
    newer = legacy.other(
        uid,
        "strava",
        "43",
        access_token=None,
        updated_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    alone = legacy.other(uid, "garmin", "g-43", access_token="  ")

    output = run_import(legacy)

    assert connection_of("di@example.com").access_token == "s-access-43"
    assert f"skipped user_connections id={newer}: no usable access token" in output
    assert f"skipped user_connections id={alone}: no usable access token" in output
    assert not ProviderConnection.objects.filter(provider="garmin").exists()


def test_one_provider_account_on_two_users_stays_with_the_most_recent(legacy):
    first = legacy.user("ed@example.com")
    second = legacy.user("flo@example.com")
    older = legacy.strava(first, 77, updated_at=datetime(2023, 1, 1, tzinfo=UTC))
    legacy.other(second, "strava", "77", updated_at=datetime(2024, 1, 1, tzinfo=UTC))

    output = run_import(legacy)

    assert ProviderConnection.objects.get(provider_user_id="77").user.email == (
        "flo@example.com"
    )
    assert (
        f"skipped strava_connections id={older}: provider account also linked to "
        "another user" in output
    )


@pytest.mark.parametrize("expires_at", [0, 631152000, 253402300799])
def test_impossible_strava_expiries_are_stored_as_expired(legacy, expires_at):
    uid = legacy.user("gil@example.com")
    row = legacy.strava(uid, 88, expires_at=expires_at)

    output = run_import(legacy)

    connection = connection_of("gil@example.com")
    assert connection.token_expires_at < datetime(2000, 1, 1, tzinfo=UTC)
    assert connection.expires_within(300)  # so the next use refreshes
    assert f"fixed strava_connections id={row}: impossible token expiry" in output


def test_an_infinite_expiry_in_user_connections_is_stored_as_expired(legacy):
    uid = legacy.user("hal@example.com")
    row = legacy.other(uid, "wahoo", "w-1", token_expires_at="infinity")

    output = run_import(legacy)

    assert connection_of("hal@example.com", "wahoo").expires_within(300)
    assert f"fixed user_connections id={row}: impossible token expiry inf" in output


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (None, {}),
        ({}, {}),
        ([1, 2], {"legacy_value": [1, 2]}),
        ("just text", {"legacy_value": "just text"}),
        ('{"id": "c-9", "nested": {"a": [1]}}', {"id": "c-9", "nested": {"a": [1]}}),
    ],
)
def test_odd_profile_json_never_costs_the_connection(legacy, profile, expected):
    uid = legacy.user("ivy@example.com")
    legacy.other(uid, "coros", "c-9", profile=profile)

    run_import(legacy)

    assert connection_of("ivy@example.com", "coros").provider_profile == expected


def test_legacy_fitbit_connections_are_imported_as_needing_reconnect(legacy):
    uid = legacy.user("jo@example.com")
    legacy.other(uid, "fitbit", "FB1")

    output = run_import(legacy)

    connection = connection_of("jo@example.com", "fitbit")
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED
    assert "legacy Fitbit tokens are dead" in output


def test_a_connection_made_in_the_new_app_is_kept(legacy):
    user = make_user("ken@example.com")
    make_connection(user, "strava", provider_user_id="99", access_token="fresh")
    uid = legacy.user("ken@example.com")
    row = legacy.strava(uid, 99)

    output = run_import(legacy)

    assert connection_of("ken@example.com").access_token == "fresh"
    assert f"skipped strava_connections id={row}: already connected in the new app" in (
        output
    )


def test_provenance_is_kept_beside_the_connection_not_in_its_profile(legacy):
    uid = legacy.user("pat@example.com")
    strava = legacy.strava(uid, 31)
    garmin = legacy.other(uid, "garmin", "g-31", profile={"id": "g-31"})

    run_import(legacy)

    profiles = ProviderConnection.objects.values_list("provider_profile", flat=True)
    assert all("legacy_import" not in profile for profile in profiles)
    assert connection_of("pat@example.com", "garmin").provider_profile == {"id": "g-31"}
    records = {
        (r.source_table, r.legacy_id): r
        for r in LegacyImportRecord.objects.select_related("connection")
    }
    assert set(records) == {
        ("strava_connections", strava),
        ("user_connections", garmin),
    }
    assert records["strava_connections", strava].connection == connection_of(
        "pat@example.com"
    )
    assert all(len(r.digest) == 64 for r in records.values())
    assert "s-access-31" not in str(
        list(LegacyImportRecord.objects.values_list("digest", flat=True))
    )


def test_a_changed_legacy_connection_updates_the_import_and_its_digest(legacy):
    uid = legacy.user("rae@example.com")
    row = legacy.strava(uid, 32)
    run_import(legacy)
    before = LegacyImportRecord.objects.get(legacy_id=row).digest
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE strava_connections SET access_token = 'rotated' WHERE id = %s",
            [row],
        )

    output = run_import(legacy)

    assert counts_line(output, "strava_connections") == [0, 1, 0, 0]
    assert connection_of("rae@example.com").access_token == "rotated"
    assert LegacyImportRecord.objects.get(legacy_id=row).digest != before
    assert "legacy_import" not in connection_of("rae@example.com").provider_profile


def test_a_connection_reconnected_in_the_new_app_after_the_import_is_kept(legacy):
    uid = legacy.user("sol@example.com")
    row = legacy.strava(uid, 33)
    run_import(legacy)
    connection = connection_of("sol@example.com")
    upsert_connection(
        connection.user, "strava", "33", "new-app-token", "r", None, [], {"id": 33}
    )
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE strava_connections SET access_token = 'stale' WHERE id = %s",
            [row],
        )

    output = run_import(legacy)

    assert connection_of("sol@example.com").access_token == "new-app-token"
    assert (
        f"skipped strava_connections id={row}: changed in the new app since the "
        "import; kept" in output
    )


def test_a_refreshed_connection_is_not_overwritten_by_a_changed_legacy_row(legacy):
    uid = legacy.user("tam@example.com")
    row = legacy.strava(uid, 34)
    run_import(legacy)
    connection = connection_of("tam@example.com")
    connection.access_token = "refreshed"  # what tokens.py does on a refresh
    connection.save(update_fields=["access_token", "updated_at"])
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE strava_connections SET access_token = 'stale' WHERE id = %s",
            [row],
        )

    run_import(legacy)

    assert connection_of("tam@example.com").access_token == "refreshed"


def test_tokens_never_appear_in_the_output(legacy):
    uid = legacy.user("lou@example.com")
    legacy.strava(uid, 1, expires_at=0, athlete=[1])
    legacy.other(uid, "nope", "x")

    output = run_import(legacy)

    assert "s-access-1" not in output and "s-refresh-1" not in output
    assert "u-access-x" not in output


# --- activities ----------------------------------------------------------------------


def test_activities_are_normalised_exactly_as_the_strava_sync_does(legacy):
    uid = legacy.user("max@example.com")
    legacy.strava(uid, 5)
    row = legacy.activity(
        uid,
        9876543210,
        type="TrailRun",
        average_heartrate=151.5,
        calories=0.0,
        raw={"distance": "junk", "type": "Ride", "start_date_local": "garbage"},
    )

    run_import(legacy)

    activity = Activity.objects.get()
    expected = normalize_strava_activity(
        {
            "id": 9876543210,
            "name": "Morning run",
            "sport_type": "TrailRun",
            "start_date": "2024-05-01T06:30:00Z",
            "start_date_local": "2024-05-01T08:30:00Z",
            "utc_offset": 7200,
            "distance": 10000.0,
            "moving_time": 3000,
            "elapsed_time": 3100,
            "average_heartrate": 151.5,
            "calories": 0.0,
        }
    )
    for name in ("provider_activity_id", "sport_type", "start_time", "utc_offset_s"):
        assert getattr(activity, name) == getattr(expected, name)
    for name in ("distance_m", "moving_time_s", "avg_hr_bpm", "calories_kcal"):
        assert getattr(activity, name) == getattr(expected, name)
    assert activity.sport_type == "trail_run" and activity.calories_kcal is None
    assert activity.connection == connection_of("max@example.com")
    assert activity.activity_data["legacy"]["id"] == row
    assert activity.activity_data["legacy"]["raw"]["distance"] == "junk"
    assert activity.activity_data["timezone"] == "(GMT+01:00) Europe/Paris"


def test_a_later_sync_updates_the_imported_activity_instead_of_duplicating(legacy):
    uid = legacy.user("ned@example.com")
    legacy.strava(uid, 6)
    legacy.activity(uid, 111, name="Old name")
    run_import(legacy)
    connection = connection_of("ned@example.com")
    synced = normalize_strava_activity(
        {
            "id": 111,
            "name": "Renamed",
            "sport_type": "Run",
            "start_date": "2024-05-01T06:30:00Z",
        }
    )

    created, updated = upsert_activities(
        "strava", [build_activity(connection, synced, datetime.now(UTC))]
    )

    assert (created, updated) == (0, 1)
    assert Activity.objects.get().name == "Renamed"
    output = run_import(legacy)  # and the import leaves the synced copy alone
    assert Activity.objects.get().name == "Renamed"
    assert "unchanged: kept the copy synced from Strava: 1" in output


def test_activities_with_impossible_values_are_kept_with_those_values_missing(legacy):
    uid = legacy.user("oz@example.com")
    row = legacy.activity(
        uid, 222, distance=float("nan"), moving_time=-5, utc_offset=999999, raw=None
    )
    bad = legacy.activity(uid, 223, start_date="infinity")

    output = run_import(legacy)

    activity = Activity.objects.get()
    assert activity.distance_m is None and activity.moving_time_s is None
    assert activity.utc_offset_s is None
    assert f"fixed activities id={row}: distance is nan" in output
    assert f"skipped activities id={bad}: impossible start_date inf" in output


# --- sync logs -----------------------------------------------------------------------


def test_sync_logs_become_runs_of_the_strava_connection(legacy):
    uid = legacy.user("pia@example.com")
    nobody = legacy.user("quinn@example.com")
    legacy.strava(uid, 7)
    finished = datetime(2024, 5, 2, 3, 1, tzinfo=UTC)
    legacy.sync_log(uid, "ok", finished_at=finished, activities_synced=12)
    legacy.sync_log(
        uid, "error", finished_at=finished, error="401 for ?access_token=abc123&x=1"
    )
    legacy.sync_log(uid, "running")
    orphan = legacy.sync_log(nobody, "ok")

    output = run_import(legacy)

    runs = {r.status + ":" + r.error_message: r for r in SyncHistory.objects.all()}
    assert set(runs) == {
        "success:",
        "failed:401 for ?access_token=***&x=1",
        "failed:interrupted",
    }
    assert runs["success:"].activities_fetched == 12
    assert runs["success:"].duration_s == 60
    assert runs["success:"].connection == connection_of("pia@example.com")
    assert all(run.error_details == {} for run in runs.values())
    records = LegacyImportRecord.objects.filter(source_table="sync_logs")
    assert sorted(r.sync_run_id for r in records) == sorted(r.pk for r in runs.values())
    assert {r.connection_id for r in records} == {connection_of("pia@example.com").pk}
    assert (
        f"skipped sync_logs id={orphan}: no Strava connection for this user" in output
    )


def test_a_changed_sync_log_updates_its_run(legacy):
    uid = legacy.user("uma@example.com")
    legacy.strava(uid, 8)
    log = legacy.sync_log(uid, "running")
    run_import(legacy)
    run_pk = SyncHistory.objects.get().pk
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE sync_logs SET status = 'ok', finished_at = started_at"
            " WHERE id = %s",
            [log],
        )

    output = run_import(legacy)

    assert counts_line(output, "sync_logs") == [0, 1, 0, 0]
    assert SyncHistory.objects.get().pk == run_pk
    assert SyncHistory.objects.get().status == "success"
    assert LegacyImportRecord.objects.get(source_table="sync_logs").sync_run_id == (
        run_pk
    )


def test_a_sync_run_deleted_after_the_import_is_imported_again(legacy):
    uid = legacy.user("val@example.com")
    legacy.strava(uid, 9)
    legacy.sync_log(uid, "ok")
    run_import(legacy)
    SyncHistory.objects.get().delete()

    output = run_import(legacy)

    assert counts_line(output, "sync_logs") == [1, 0, 0, 0]
    record = LegacyImportRecord.objects.get(source_table="sync_logs")
    assert record.sync_run_id == SyncHistory.objects.get().pk


# --- runs: idempotent, resumable, dry, read-only --------------------------------------


def fill(legacy, n=5):
    for i in range(n):
        uid = legacy.user(f"user{i}@example.com", full_name=f"User {i}")
        legacy.strava(uid, 1000 + i, expires_at=0 if i == 0 else FUTURE)
        legacy.other(uid, "Garmin", f"g{i}", profile="odd" if i == 1 else None)
        legacy.activity(uid, 5000 + i)
        legacy.sync_log(uid, "ok" if i % 2 else "running")
    legacy.other(uid, "unknown thing", "zz")


def snapshot():
    return {
        "users": list(get_user_model().objects.values_list("email", "password")),
        "connections": [
            (c.pk, c.access_token, c.refresh_token, c.updated_at, c.provider_profile)
            for c in ProviderConnection.objects.order_by("pk")
        ],
        "activities": list(Activity.objects.order_by("pk").values()),
        "sync": list(SyncHistory.objects.order_by("pk").values()),
        "provenance": list(LegacyImportRecord.objects.order_by("pk").values()),
    }


def test_a_second_run_changes_nothing_and_reports_everything_unchanged(legacy):
    fill(legacy)
    run_import(legacy, "--batch-size", "2")
    before = snapshot()

    output = run_import(legacy, "--batch-size", "2")

    assert snapshot() == before
    assert LegacyImportRecord.objects.count() == 10 + 5  # connections + sync logs
    assert counts_line(output, "users") == [0, 0, 5, 0]
    assert counts_line(output, "strava_connections") == [0, 0, 5, 0]
    assert counts_line(output, "user_connections") == [0, 0, 5, 1]
    assert counts_line(output, "activities") == [0, 0, 5, 0]
    assert counts_line(output, "sync_logs") == [0, 0, 5, 0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_are_written_by_the_writer_thread(legacy):
    # The other tests run inside a test transaction, where writes stay inline.
    fill(legacy)
    first = run_import(legacy, "--batch-size", "2")
    before = snapshot()

    second = run_import(legacy, "--batch-size", "2")

    assert counts_line(first, "activities") == [5, 0, 0, 0]
    assert counts_line(first, "sync_logs") == [5, 0, 0, 0]
    assert Activity.objects.filter(connection__isnull=False).count() == 5
    assert snapshot() == before
    assert counts_line(second, "activities") == [0, 0, 5, 0]
    assert counts_line(second, "sync_logs") == [0, 0, 5, 0]


def test_a_reader_stopped_early_leaves_the_source_usable(legacy):
    from providers.legacy.source import LegacySource

    for i in range(5):
        legacy.user(f"u{i}@example.com")
    source = LegacySource(legacy.url)
    try:
        for _rows in source.batches("SELECT id FROM users", 2):
            break  # the reader thread may be fetching the next batch: it must stop
        assert source.count("users") == 5
        batches = list(source.batches("SELECT id FROM users", 2))
        assert [len(rows) for rows in batches] == [2, 2, 1]
    finally:
        source.close()


def test_new_legacy_rows_are_imported_by_the_next_run(legacy):
    fill(legacy, 2)
    run_import(legacy)
    uid = legacy.user("late@example.com")
    legacy.strava(uid, 4242)
    legacy.activity(uid, 4243)
    legacy.sync_log(uid, "ok")

    output = run_import(legacy)

    assert counts_line(output, "users") == [1, 0, 2, 0]
    assert counts_line(output, "activities") == [1, 0, 2, 0]
    assert counts_line(output, "sync_logs") == [1, 0, 2, 0]
    assert connection_of("late@example.com").provider_user_id == "4242"


def test_a_run_killed_mid_way_is_completed_by_the_next(legacy, monkeypatch):
    fill(legacy, 6)
    uninterrupted = snapshot()  # empty, just the shape
    real_upsert = legacy_activities.upsert_activities
    calls = []

    def dying_upsert(provider, activities, **kwargs):
        calls.append(len(activities))
        if len(calls) > 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, after two batches
        return real_upsert(provider, activities, **kwargs)

    monkeypatch.setattr(legacy_activities, "upsert_activities", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        run_import(legacy, "--batch-size", "2")
    assert Activity.objects.count() == 4  # two committed batches stay written
    assert SyncHistory.objects.count() == 0 and uninterrupted["sync"] == []
    monkeypatch.setattr(legacy_activities, "upsert_activities", real_upsert)

    output = run_import(legacy, "--batch-size", "2")

    assert counts_line(output, "activities") == [2, 0, 4, 0]
    assert counts_line(output, "sync_logs") == [6, 0, 0, 0]
    assert Activity.objects.count() == 6 and SyncHistory.objects.count() == 6


def test_dry_run_prints_the_same_report_and_writes_nothing(legacy):
    fill(legacy)

    dry = run_import(legacy, "--dry-run")

    assert not any(snapshot().values())
    real = run_import(legacy)
    report = [x for x in dry.splitlines() if "rows/s" not in x and "dry run" not in x]
    assert report == [x for x in real.splitlines() if "rows/s" not in x]
    assert counts_line(dry, "activities") == [5, 0, 0, 0]


def test_the_legacy_tables_are_unchanged_by_imports(legacy):
    fill(legacy)
    before = legacy.checksums()

    run_import(legacy)
    run_import(legacy, "--dry-run")
    run_import(legacy)

    assert legacy.checksums() == before


def test_the_legacy_database_is_read_in_a_read_only_transaction(legacy):
    from providers.legacy.source import LegacySource, SourceError

    source = LegacySource(legacy.url)
    try:
        with pytest.raises(SourceError, match="read-only"):
            source.fetch("DELETE FROM users")
    finally:
        source.close()


def test_only_imports_the_chosen_tables(legacy):
    fill(legacy, 2)

    output = run_import(legacy, "--only", "users,activities")

    assert ProviderConnection.objects.count() == 0
    assert Activity.objects.filter(connection=None).count() == 2
    assert "sync_logs" not in output
    run_import(legacy, "--only", "connections,activities")
    assert Activity.objects.filter(connection=None).count() == 0


def test_an_unreadable_source_fails_with_a_non_zero_exit(legacy):
    with pytest.raises(CommandError, match="cannot connect"):
        call_command("import_legacy", "--source", "postgresql://nobody@127.0.0.1:1/x")
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        conn.execute("DROP TABLE sync_logs")
    with pytest.raises(CommandError, match="cannot read"):
        run_import(legacy)


def test_an_unmigrated_target_fails_with_a_non_zero_exit(legacy, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    def plan(self, targets):
        return [(self.loader.graph.nodes["sync", "0001_initial"], False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan)
    with pytest.raises(CommandError, match="not migrated"):
        run_import(legacy)
