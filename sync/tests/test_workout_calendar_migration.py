"""Migration sync 0009 turns each planned workout's UTC instant into a day and time."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sync", "0008_missing_values_are_null"), ("trainlytics", "0001_initial")]
AFTER = [("sync", "0009_workout_calendar")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_instants_become_days_with_their_time_and_back():
    old = migrate(BEFORE)
    user = old.get_model("trainlytics", "User").objects.create(email="a@example.com")
    Workout = old.get_model("sync", "Workout")
    timed = Workout.objects.create(
        user_id=user.pk,
        title="Intervals",
        scheduled_for=datetime(2026, 5, 3, 17, 30, tzinfo=UTC),
    )
    midnight = Workout.objects.create(
        user_id=user.pk, title="Long", scheduled_for=datetime(2026, 5, 4, tzinfo=UTC)
    )
    try:
        new = migrate(AFTER)
        rows = new.get_model("sync", "Workout").objects
        assert rows.get(pk=timed.pk).scheduled_for == date(2026, 5, 3)
        assert rows.get(pk=timed.pk).scheduled_time == time(17, 30)
        assert rows.get(pk=midnight.pk).scheduled_time is None

        back = migrate(BEFORE).get_model("sync", "Workout").objects
        assert back.get(pk=timed.pk).scheduled_for == datetime(
            2026, 5, 3, 17, 30, tzinfo=UTC
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
