"""Planned workouts become calendar entries: a day (and optional time) in the
athlete's time zone instead of one UTC instant, an intensity target, and a flag for
the athlete's own link or unlink."""

import django.utils.timezone
from django.db import migrations, models


def instant_to_day(apps, schema_editor):
    # The old column was an aware UTC instant and users had no time zone yet: the
    # UTC day and time are what the athlete saw.
    Workout = apps.get_model("sync", "Workout")
    for workout in Workout.objects.only("pk", "scheduled_at").iterator():
        moment = workout.scheduled_at
        Workout.objects.filter(pk=workout.pk).update(
            scheduled_for=moment.date(),
            scheduled_time=moment.time() if (moment.hour, moment.minute) != (0, 0) else None,
        )


def day_to_instant(apps, schema_editor):
    from datetime import UTC, datetime, time

    Workout = apps.get_model("sync", "Workout")
    for workout in Workout.objects.only("pk", "scheduled_for", "scheduled_time"):
        moment = datetime.combine(
            workout.scheduled_for, workout.scheduled_time or time(), tzinfo=UTC
        )
        Workout.objects.filter(pk=workout.pk).update(scheduled_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0008_missing_values_are_null"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="workout", name="workout_user_date_idx"),
        migrations.RenameField(
            model_name="workout", old_name="scheduled_for", new_name="scheduled_at"
        ),
        # Nullable while it goes, so that reversing can add it back before filling it.
        migrations.AlterField(
            model_name="workout",
            name="scheduled_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="workout",
            name="scheduled_for",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="workout",
            name="scheduled_time",
            field=models.TimeField(blank=True, null=True),
        ),
        migrations.RunPython(instant_to_day, day_to_instant),
        migrations.RemoveField(model_name="workout", name="scheduled_at"),
        migrations.AlterField(
            model_name="workout",
            name="scheduled_for",
            field=models.DateField(),
        ),
        migrations.AddField(
            model_name="workout",
            name="target",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="workout",
            name="match_manual",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="workout",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterModelOptions(
            name="workout",
            options={"ordering": ["scheduled_for", "scheduled_time", "id"]},
        ),
        migrations.AddIndex(
            model_name="workout",
            index=models.Index(
                fields=["user", "scheduled_for"], name="workout_user_date_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workout",
            index=models.Index(
                condition=models.Q(("status", "planned")),
                fields=["scheduled_for"],
                name="workout_planned_date_idx",
            ),
        ),
    ]
