"""An athlete's data exports, and the original activity files providers sent us.

Both keep their files in the private exports storage (exports/storage.py); deleting
a row deletes its file (exports/receivers.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sync.models import Activity

from .storage import get_storage


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Preparing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # The 24 hours are over and the file is deleted; the row stays as history.
    EXPIRED = "expired", _("Expired")


ACTIVE_EXPORT_STATUSES = (ExportStatus.PENDING, ExportStatus.RUNNING)

# What the athlete sees for each step of the build.
EXPORT_STEPS = {
    "profile": _("Profile"),
    "connections": _("Connections"),
    "activities": _("Activities"),
    "sync_history": _("Sync history"),
    "workouts": _("Planned workouts"),
    "streams": _("Routes and detailed data"),
    "originals": _("Original files"),
    "saving": _("Saving the file"),
}


def export_path(export, filename):
    # The random id is the name: nothing in the storage says whose file it is.
    return f"exports/{export.pk}.zip"


class AccountExport(models.Model):
    """One zip of everything Trainlytics holds about one athlete.

    The id is a random UUID: it appears in download links and API paths, and must
    not be guessable (ownership is checked as well). `step` names what the build is
    doing, in English (a key of exports.services.STEPS, translated when shown).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    file = models.FileField(storage=get_storage, upload_to=export_path, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    # Every progress write moves it: a running export that stops moving was lost
    # with its worker (exports.services.fail_stale).
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # For staff: what went wrong (no secrets; the traceback is in the log).
    error = models.TextField(blank=True)

    class Meta:
        db_table = "account_exports"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=ACTIVE_EXPORT_STATUSES),
                name="export_one_active_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="export_user_recent_idx"),
            models.Index(fields=["status", "expires_at"], name="export_status_idx"),
        ]

    def __str__(self):
        return f"Export {self.pk} ({self.status})"

    @property
    def is_active(self):
        return self.status in ACTIVE_EXPORT_STATUSES

    def is_downloadable(self, now=None):
        now = now or timezone.now()
        return (
            self.status == ExportStatus.READY
            and bool(self.file)
            and self.expires_at is not None
            and now < self.expires_at
        )

    def step_label(self):
        return EXPORT_STEPS.get(self.step, "")

    def download_name(self):
        return f"trainlytics-export-{self.created_at:%Y-%m-%d}.zip"


def original_path(original, filename):
    return f"originals/{uuid.uuid4()}.{original.file_format}"


class OriginalActivityFile(models.Model):
    """The file a provider sent for an activity's streams (FIT), kept as sent so the
    athlete's export can give it back; stored by exports.originals."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="original_file"
    )
    file_format = models.CharField(max_length=10, default="fit")
    file = models.FileField(storage=get_storage, upload_to=original_path)
    size_bytes = models.PositiveBigIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "original_activity_files"

    def __str__(self):
        return f"Original {self.file_format} of activity #{self.activity_id}"
