from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from providers.fields import EncryptedTextField
from providers.models import Provider, ProviderConnection
from providers.sports import SportType


class SyncType(models.TextChoices):
    INITIAL = "initial", pgettext_lazy("sync type", "Initial")
    MANUAL = "manual", pgettext_lazy("sync type", "Manual")
    SCHEDULED = "scheduled", pgettext_lazy("sync type", "Scheduled")
    WEBHOOK = "webhook", pgettext_lazy("sync type", "Webhook")


class SyncStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("sync status", "Pending")
    RUNNING = "running", pgettext_lazy("sync status", "Running")
    SUCCESS = "success", pgettext_lazy("sync status", "Success")
    PARTIAL = "partial", pgettext_lazy("sync status", "Partial")
    FAILED = "failed", pgettext_lazy("sync status", "Failed")
    RATE_LIMITED = "rate_limited", pgettext_lazy("sync status", "Rate limited")


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activities",
        # activity_feed_idx leads with user_id and serves every lookup by athlete; a
        # second index would only slow down every write of a sync.
        db_index=False,
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
    # NULL when the provider sends none, like every optional field here: a missing
    # value is None, never "" or 0 (providers.backends.base.ActivityData).
    name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    start_time = models.DateTimeField()
    utc_offset_s = models.IntegerField(null=True, blank=True)
    elapsed_time_s = models.PositiveIntegerField(null=True, blank=True)
    moving_time_s = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    elevation_gain_m = models.FloatField(null=True, blank=True)
    avg_hr_bpm = models.FloatField(null=True, blank=True)
    max_hr_bpm = models.FloatField(null=True, blank=True)
    calories_kcal = models.FloatField(null=True, blank=True)
    device_name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    activity_data = models.JSONField(default=dict, blank=True)
    # The copies of one real session share a group (sync.grouping); athletes see only
    # the canonical copy. Standalone activities have no group and are canonical.
    group = models.ForeignKey(
        "ActivityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        # No database constraint: the group is derived data (regroup_activities
        # rebuilds it) and every delete of a group goes through the ORM, which sets
        # this to NULL. The constraint's check on every grouped copy written cost a
        # third of grouping's time in a backfill, and far more while the planner
        # still believed activity_groups empty (a plan it then keeps per connection).
        db_constraint=False,
    )
    # A database default too: bulk writers that name their columns (the legacy
    # import's COPY) leave it out.
    is_canonical = models.BooleanField(default=True, db_default=True)
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
            # The athlete's feed: one entry per real session.
            models.Index(
                fields=["user", "-start_time", "-id"],
                condition=Q(is_canonical=True),
                name="activity_canonical_feed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_sport_type_display()} on {self.start_time:%Y-%m-%d}"


class ActivityGroup(models.Model):
    """The provider copies of one real session (sync.grouping keeps it up to date).

    `filled` holds the metrics the canonical copy lacks, taken from the other copies:
    {"calories_kcal": 612.0, "device_name": "Forerunner 965", ...}.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_groups",
    )
    canonical = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filled = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "activity_groups"

    def __str__(self):
        return f"Activity group #{self.pk}"


class GroupDecision(models.TextChoices):
    TOGETHER = "together", _("Together")
    APART = "apart", _("Apart")


class ActivityGroupDecision(models.Model):
    """The athlete's word on one pair of copies: the same session or not.

    Keyed by provider ids, not row ids, so it survives a copy being deleted and synced
    again, and any regrouping. The pair is ordered (a < b) so it is stored once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_group_decisions",
    )
    provider_a = models.CharField(max_length=20, choices=Provider.choices)
    provider_activity_id_a = models.CharField(max_length=255)
    provider_b = models.CharField(max_length=20, choices=Provider.choices)
    provider_activity_id_b = models.CharField(max_length=255)
    decision = models.CharField(max_length=10, choices=GroupDecision.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "activity_group_decisions"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "provider_a",
                    "provider_activity_id_a",
                    "provider_b",
                    "provider_activity_id_b",
                ],
                name="activity_group_decision_once",
            ),
        ]

    def __str__(self):
        return f"{self.decision}: {self.provider_a} / {self.provider_b}"


class WorkoutStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("workout status", "Planned")
    COMPLETED = "completed", pgettext_lazy("workout status", "Completed")
    SKIPPED = "skipped", pgettext_lazy("workout status", "Skipped")


class Workout(models.Model):
    """A planned training session (planning/ owns everything athletes do with it).

    `structure` is planning.structure's validated form: {"steps": [...]}, or {}.
    `target` is one intensity target for the whole session, same shape as a step's.
    `match_manual` records that the athlete linked or unlinked by hand: matching
    never touches such a workout again until it is moved or the activity is gone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workouts"
    )
    title = models.CharField(max_length=200)
    sport_type = models.CharField(
        max_length=30, choices=SportType.choices, default=SportType.OTHER
    )
    # A day in the athlete's own time zone (User.time_zone), with an optional time.
    scheduled_for = models.DateField()
    scheduled_time = models.TimeField(null=True, blank=True)
    planned_duration_s = models.PositiveIntegerField(null=True, blank=True)
    planned_distance_m = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True)
    target = models.JSONField(default=dict, blank=True)
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
    match_manual = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workouts"
        ordering = ["scheduled_for", "scheduled_time", "id"]
        indexes = [
            models.Index(
                fields=["user", "scheduled_for"], name="workout_user_date_idx"
            ),
            # The scheduled pass that closes ended days reads planned ones by date.
            models.Index(
                fields=["scheduled_for"],
                condition=Q(status="planned"),
                name="workout_planned_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.scheduled_for:%Y-%m-%d})"


class ProviderBudget(models.Model):
    """One provider's app-wide request allowance, shared by every worker.

    Providers limit requests per application, not per athlete (Strava: 100 reads per
    15 minutes). Each sync writes back what the rate-limit headers said, and a run does
    not start (or go on to the next page) while the window is spent.
    """

    provider = models.CharField(max_length=20, choices=Provider.choices, unique=True)
    used = models.PositiveIntegerField(default=0)
    # None: the provider sent no limit we can read, so we do not hold runs back.
    limit = models.PositiveIntegerField(null=True, blank=True)
    reset_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "provider_budgets"

    def __str__(self):
        return f"{self.get_provider_display()} budget {self.used}/{self.limit}"


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    # Claimed by one worker (sync.webhooks.processing); no other may process it.
    PROCESSING = "processing", "Processing"
    # An attempt failed in a way worth retrying; due again at next_attempt_at.
    RETRY = "retry", "Retry scheduled"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class WebhookSubscription(models.Model):
    """Our app-level push subscription at a provider (Strava's one subscription, Polar's
    one webhook) and the secret the provider hands out only once."""

    provider = models.CharField(max_length=20, choices=Provider.choices, unique=True)
    external_id = models.CharField(max_length=255)
    callback_url = models.URLField(max_length=500)
    signing_secret = EncryptedTextField(blank=True, null=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "webhook_subscriptions"

    def __str__(self):
        return f"{self.get_provider_display()} subscription {self.external_id}"


class WebhookEvent(models.Model):
    """One push notification from a provider, stored before it is processed.

    `dedupe_key` is the event's own id or a hash of its body, so a redelivered event is
    recognised (the unique constraint) and processed once. A worker claims an event
    with a conditional UPDATE that counts the attempt; `attempts` is also the claim's
    token, so a worker whose claim was taken over cannot finish the event.
    """

    provider = models.CharField(max_length=20, choices=Provider.choices)
    dedupe_key = models.CharField(max_length=128)
    event_type = models.CharField(max_length=64, blank=True)
    provider_user_id = models.CharField(max_length=255, blank=True)
    connection = models.ForeignKey(
        ProviderConnection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_events",
    )
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED
    )
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The last failure, as safe to show as SyncHistory.error_message (no secrets).
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "webhook_events"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "dedupe_key"], name="webhook_event_once"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="webhook_status_idx"),
            # sync_due's scan for retries that are due.
            models.Index(
                fields=["status", "next_attempt_at"], name="webhook_retry_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.event_type or 'event'} #{self.pk}"
