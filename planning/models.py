"""What planning adds around sync.Workout: the calendar feed and device deliveries."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from providers.models import Provider, ProviderConnection
from sync.models import Workout


def feed_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """An athlete's private iCalendar address. Only the token's digest is stored, so a
    leaked database gives no feed away; the athlete sees the address once, when it is
    made, and can replace it (which revokes the old one) at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "calendar_feeds"

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


class DeliveryStatus(models.TextChoices):
    # Translators: where sending a workout to a device stands.
    PENDING = "pending", pgettext_lazy("delivery status", "Sending")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", pgettext_lazy("delivery status", "Failed")
    DELETING = "deleting", pgettext_lazy("delivery status", "Removing")


class WorkoutDelivery(models.Model):
    """One planned workout as sent to one provider: its id there and how it went.

    Kept after the workout is deleted (workout NULL, status deleting) until the
    provider has removed its copy too, so a delete is never lost to a failed call.
    """

    workout = models.ForeignKey(
        Workout,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    connection = models.ForeignKey(
        ProviderConnection, on_delete=models.CASCADE, related_name="deliveries"
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    # What the provider calls it, e.g. {"workout_id": 81, "schedule_id": 12}.
    external = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Digest of what was last sent, so an edit that changes nothing sends nothing.
    sent_digest = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workout_deliveries"
        verbose_name_plural = "workout deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["workout", "provider"],
                condition=models.Q(workout__isnull=False),
                name="delivery_one_per_workout_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} delivery #{self.pk} ({self.status})"
