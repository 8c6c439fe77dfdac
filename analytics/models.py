"""What analytics keeps beside sync's activities: the athlete's physiology and
preferences, each session's training load, and each activity's time series.

Streams live in their own table, one row per activity, so the feed, the dashboard
and every other activity query never read them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from providers.models import Provider
from sync.models import Activity


class Units(models.TextChoices):
    METRIC = "metric", _("Metric (km, m)")
    IMPERIAL = "imperial", _("Imperial (mi, ft)")


class AthleteSettings(models.Model):
    """Numbers the analysis needs; blank ones are estimated (see analytics.zones)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="athlete_settings",
    )
    resting_hr_bpm = models.PositiveSmallIntegerField(null=True, blank=True)
    max_hr_bpm = models.PositiveSmallIntegerField(null=True, blank=True)
    ftp_w = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold_pace_s_per_km = models.PositiveSmallIntegerField(null=True, blank=True)
    # Upper bounds (bpm) of zones 1 to 4; zone 5 runs to max HR. Empty: derived
    # from max HR.
    hr_zones = models.JSONField(default=list, blank=True)
    units = models.CharField(max_length=10, choices=Units.choices, default=Units.METRIC)
    # The highest max HR of the athlete's activities when their loads were last
    # computed: the max HR loads use while max_hr_bpm is blank. A new, higher one
    # recomputes every load (analytics.services).
    observed_max_hr_bpm = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "athlete_settings"
        verbose_name_plural = "athlete settings"

    def __str__(self):
        return f"Settings of {self.user}"


class LoadMethod(models.TextChoices):
    TSS = "tss", _("Power (TSS)")
    TRIMP = "trimp", _("Heart rate (TRIMP)")


class TrainingLoad(models.Model):
    """The load of one session (its canonical activity), on the athlete's local day."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="training_load"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        # load_user_day_idx leads with user_id; another index would only slow the
        # writes of a backfill.
        db_index=False,
    )
    day = models.DateField()
    load = models.FloatField()
    method = models.CharField(max_length=10, choices=LoadMethod.choices)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "training_loads"
        indexes = [
            models.Index(fields=["user", "day"], name="load_user_day_idx"),
            # analytics.fitness.loads_version reads it alone (an index-only scan).
            models.Index(fields=["user", "computed_at"], name="load_user_computed_idx"),
        ]

    def __str__(self):
        return f"{self.load:.0f} ({self.method}) on {self.day}"


class StreamStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("detailed data status", "Pending")
    READY = "ready", pgettext_lazy("detailed data status", "Ready")
    UNAVAILABLE = "unavailable", pgettext_lazy("detailed data status", "Unavailable")
    FAILED = "failed", pgettext_lazy("detailed data status", "Failed")


class ActivityStreams(models.Model):
    """One activity's time series, fetched lazily (analytics.streams).

    `data` is the compact encoding of analytics.streams.codec (every channel at full
    rate); `low` a downsampled copy for charts and the API's low resolution.
    """

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="streams"
    )
    status = models.CharField(
        max_length=20, choices=StreamStatus.choices, default=StreamStatus.PENDING
    )
    # High priority when the athlete is waiting for it (the page is open).
    priority = models.SmallIntegerField(default=0)
    source = models.CharField(max_length=20, choices=Provider.choices, blank=True)
    data = models.BinaryField(null=True, blank=True)
    low = models.JSONField(default=dict, blank=True)
    samples = models.PositiveIntegerField(default=0)
    channels = models.JSONField(default=list, blank=True)
    # The session's best efforts from every sample (analytics.streams.store
    # .efforts_of), so personal records rank them without decoding `data`.
    efforts = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "activity_streams"
        verbose_name_plural = "activity streams"
        indexes = [
            models.Index(
                fields=["-priority", "requested_at"],
                condition=models.Q(status="pending"),
                name="streams_queue_idx",
            ),
        ]

    def __str__(self):
        return f"Streams of activity #{self.activity_id} ({self.status})"
