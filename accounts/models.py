"""What outlives a deleted account, and what the athlete is told about lost access.

A PendingRevocation holds what revoking one grant at its provider needs, with no link
to the user: the account is deleted at once, and the revocation is tried (and
retried) afterwards. An AccessWithdrawal tells the athlete that a provider withdrew
our access and how many of that provider's activities went with it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.fields import EncryptedTextField
from providers.models import Provider


class RevocationStatus(models.TextChoices):
    # Waiting for its next attempt (next_attempt_at, or now when empty).
    PENDING = "pending", "Waiting"
    REVOKING = "revoking", "In progress"
    # Its attempts are spent: only staff's "retry now" tries again.
    FAILED = "failed", "Failed"
    REVOKED = "revoked", "Revoked"
    # The provider no longer accepts the tokens: nothing is left to revoke.
    GONE = "gone", "Already gone"


OPEN_REVOCATIONS = (
    RevocationStatus.PENDING,
    RevocationStatus.REVOKING,
    RevocationStatus.FAILED,
)


class PendingRevocation(models.Model):
    """One grant of a deleted account, to be revoked at its provider.

    Tokens are encrypted like the connection's were, and wiped once the grant is
    revoked or gone; the row stays as the record that it was done.
    """

    provider = models.CharField(max_length=20, choices=Provider.choices)
    provider_user_id = models.CharField(max_length=255)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True, null=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=RevocationStatus.choices,
        default=RevocationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Never a token: see revocations.safe_error().
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "pending_revocations"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="revocation_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} revocation #{self.pk} ({self.status})"


class AccessWithdrawal(models.Model):
    """A provider told us the athlete withdrew our access (the latest time, per
    provider); its activities were deleted then. Shown on the dashboard while the
    connection stays revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_withdrawals",
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    withdrawn_at = models.DateTimeField(default=timezone.now)
    activities_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "access_withdrawals"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider"], name="withdrawal_one_per_user_provider"
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} withdrawal of user {self.user_id}"
