"""Migration sync 0008 gives the rows stored before the rule NULL for missing values."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps

from providers.tests.factories import make_connection
from sync.models import Activity

migration = import_module("sync.migrations.0008_missing_values_are_null")
START = datetime(2026, 10, 24, 7, tzinfo=UTC)


def stored(connection, number, **fields):
    return Activity.objects.create(
        user=connection.user,
        connection=connection,
        provider=connection.provider,
        provider_activity_id=str(number),
        start_time=START,
        **fields,
    )


@pytest.mark.django_db
def test_the_migration_turns_blank_text_and_zero_metrics_into_null():
    connection = make_connection()
    blank = stored(
        connection,
        1,
        name="",
        device_name="",
        utc_offset_s=0,
        distance_m=0.0,
        calories_kcal=0,
        avg_hr_bpm=0,
        elapsed_time_s=0,
    )
    measured = stored(
        connection, 2, name="Run", device_name="Edge", distance_m=5.0, utc_offset_s=0
    )

    migration.blanks_to_null(apps, None)

    blank.refresh_from_db()
    assert (blank.name, blank.device_name) == (None, None)
    assert (blank.distance_m, blank.calories_kcal, blank.avg_hr_bpm) == (None,) * 3
    assert blank.elapsed_time_s is None
    assert blank.utc_offset_s == 0  # a real offset
    measured.refresh_from_db()
    assert (measured.name, measured.device_name, measured.distance_m) == (
        "Run",
        "Edge",
        5.0,
    )


@pytest.mark.django_db
def test_reversing_the_migration_gives_the_old_columns_blank_text():
    activity = stored(make_connection(), 1, name=None, device_name=None)

    migration.null_text_to_blank(apps, None)

    activity.refresh_from_db()
    assert (activity.name, activity.device_name) == ("", "")
