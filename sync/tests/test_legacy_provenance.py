"""Migration providers 0002 moves the import's bookkeeping out of payload fields."""

from importlib import import_module

import pytest
from django.apps import apps

from providers.models import LegacyImportRecord
from providers.tests.factories import make_connection
from sync.models import SyncHistory, SyncStatus, SyncType

migration = import_module("providers.migrations.0002_legacy_import_records")
MARKER = {"table": "strava_connections", "id": 17, "digest": "d" * 64}


def imported_connection(**profile):
    return make_connection(provider_profile={"id": 5, **profile})


@pytest.mark.django_db
def test_the_migration_moves_a_connection_marker_out_of_the_profile():
    connection = imported_connection(legacy_import=MARKER)
    untouched = make_connection(provider_profile={"id": 6})
    written_at = connection.updated_at

    migration.move_markers(apps, None)

    connection.refresh_from_db()
    assert connection.provider_profile == {"id": 5}
    assert connection.updated_at == written_at
    record = LegacyImportRecord.objects.get()
    assert (record.source_table, record.legacy_id, record.digest) == (
        "strava_connections",
        17,
        "d" * 64,
    )
    assert record.connection == connection and record.sync_run_id is None
    assert record.connection_written_at == written_at
    untouched.refresh_from_db()
    assert untouched.provider_profile == {"id": 6}


@pytest.mark.django_db
def test_the_migration_moves_a_sync_log_marker_out_of_the_error_details():
    connection = make_connection()
    run = SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.FAILED,
        error_message="interrupted",
        error_details={"legacy_sync_log_id": 9, "legacy_md5": "m" * 32},
    )

    migration.move_markers(apps, None)

    run.refresh_from_db()
    assert run.error_details == {}
    record = LegacyImportRecord.objects.get()
    assert (record.source_table, record.legacy_id, record.digest) == (
        "sync_logs",
        9,
        "m" * 32,
    )
    assert (record.connection, record.sync_run_id) == (connection, run.pk)


@pytest.mark.django_db
def test_a_malformed_marker_is_left_where_it_is():
    connection = imported_connection(legacy_import="not a marker")

    migration.move_markers(apps, None)

    connection.refresh_from_db()
    assert connection.provider_profile["legacy_import"] == "not a marker"
    assert not LegacyImportRecord.objects.exists()


@pytest.mark.django_db
def test_reversing_the_migration_puts_the_markers_back():
    connection = imported_connection(legacy_import=MARKER)
    run = SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.SUCCESS,
        error_details={"legacy_sync_log_id": 9, "legacy_md5": "m" * 32},
    )
    migration.move_markers(apps, None)

    migration.restore_markers(apps, None)

    connection.refresh_from_db()
    run.refresh_from_db()
    assert connection.provider_profile == {"id": 5, "legacy_import": MARKER}
    assert run.error_details == {"legacy_sync_log_id": 9, "legacy_md5": "m" * 32}
