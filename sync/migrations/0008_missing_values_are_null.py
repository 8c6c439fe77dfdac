"""Missing values are NULL, never "" or 0: the text columns become nullable and the
rows stored before the rule get it too."""

from django.db import migrations, models

TEXT = ("name", "device_name")
# The same list as providers.backends.base.ZERO_IS_MISSING, frozen here as of now.
ZERO_IS_MISSING = (
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "calories_kcal",
)


def blanks_to_null(apps, schema_editor):
    Activity = apps.get_model("sync", "Activity")
    for field in TEXT:
        Activity.objects.filter(**{field: ""}).update(**{field: None})
    for field in ZERO_IS_MISSING:
        Activity.objects.filter(**{field: 0}).update(**{field: None})


def null_text_to_blank(apps, schema_editor):
    # The old columns are NOT NULL; the zeros stay NULL, which they always meant.
    Activity = apps.get_model("sync", "Activity")
    for field in TEXT:
        Activity.objects.filter(**{f"{field}__isnull": True}).update(**{field: ""})


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0007_webhook_event_retries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="device_name",
            field=models.CharField(blank=True, max_length=255, null=True),
        ),
        migrations.AlterField(
            model_name="activity",
            name="name",
            field=models.CharField(blank=True, max_length=255, null=True),
        ),
        migrations.RunPython(blanks_to_null, null_text_to_blank),
    ]
