from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from providers.models import Provider, ProviderConnection
from providers.sports import SportType


class SyncType(models.TextChoices):
    INITIAL = "initial", "Initial"
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"
    WEBHOOK = "webhook", "Webhook"


class SyncStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"
    RATE_LIMITED = "rate_limited", "Rate limited"


ACTIVE_SYNC_STATUSES = (SyncStatus.PENDING, SyncStatus.RUNNING)


class SyncHistory(models.Model):
    """One sync run of one connection: what it did and, if it failed, why."""

    connection = models.ForeignKey(
        ProviderConnection, on_delete=models.CASCADE, related_name="sync_runs"
    )
    sync_type = models.CharField(max_length=20, choices=SyncType.choices)
    status = models.CharField(
        max_length=20, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    activities_fetched = models.PositiveIntegerField(default=0)
    activities_created = models.PositiveIntegerField(default=0)
    activities_updated = models.PositiveIntegerField(default=0)
    activities_skipped = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    # kind, http_status, provider_message, request_id, skipped items ...
    error_details = models.JSONField(default=dict, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    cursor = models.CharField(max_length=255, blank=True)
    # Retry bookkeeping (rate limits and transient failures).
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "sync_history"
        verbose_name = "sync run"
        verbose_name_plural = "sync history"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(status__in=ACTIVE_SYNC_STATUSES),
                name="sync_one_active_run_per_connection",
                violation_error_message="A sync of this connection is already "
                "pending or running.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["connection", "-started_at"], name="sync_connection_recent_idx"
            ),
            # Failed runs by time (joined to the connection's provider) for staff pages.
            models.Index(
                fields=["status", "-started_at"], name="sync_status_recent_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_sync_type_display()} sync #{self.pk} ({self.status})"

    @property
    def is_active(self):
        return self.status in ACTIVE_SYNC_STATUSES


class Activity(models.Model):
    """One provider's copy of one activity, in our units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    connection = models.ForeignKey(
        ProviderConnection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    provider_activity_id = models.CharField(max_length=255)
    sport_type = models.CharField(
        max_length=30, choices=SportType.choices, default=SportType.OTHER
    )
    name = models.CharField(max_length=255, blank=True)
    start_time = models.DateTimeField()
    utc_offset_s = models.IntegerField(null=True, blank=True)
    elapsed_time_s = models.PositiveIntegerField(null=True, blank=True)
    moving_time_s = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    elevation_gain_m = models.FloatField(null=True, blank=True)
    avg_hr_bpm = models.FloatField(null=True, blank=True)
    max_hr_bpm = models.FloatField(null=True, blank=True)
    calories_kcal = models.FloatField(null=True, blank=True)
    device_name = models.CharField(max_length=255, blank=True)
    activity_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "activities"
        verbose_name_plural = "activities"
        ordering = ["-start_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_activity_id"],
                name="activity_one_per_provider_id",
                violation_error_message="This provider activity is already stored.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "-start_time", "-id"], name="activity_feed_idx"
            ),
            models.Index(fields=["connection"], name="activity_connection_idx"),
        ]

    def __str__(self):
        return f"{self.get_sport_type_display()} on {self.start_time:%Y-%m-%d}"


class WorkoutStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    SKIPPED = "skipped", "Skipped"


class Workout(models.Model):
    """A planned training session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workouts"
    )
    title = models.CharField(max_length=200)
    sport_type = models.CharField(
        max_length=30, choices=SportType.choices, default=SportType.OTHER
    )
    scheduled_for = models.DateTimeField()
    planned_duration_s = models.PositiveIntegerField(null=True, blank=True)
    planned_distance_m = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True)
    structure = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=WorkoutStatus.choices, default=WorkoutStatus.PLANNED
    )
    completed_activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completed_workouts",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "workouts"
        ordering = ["scheduled_for"]
        indexes = [
            models.Index(
                fields=["user", "scheduled_for"], name="workout_user_date_idx"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.scheduled_for:%Y-%m-%d})"
