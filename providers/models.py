from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class Provider(models.TextChoices):
    STRAVA = "strava", "Strava"
    GARMIN = "garmin", "Garmin"
    POLAR = "polar", "Polar"
    COROS = "coros", "COROS"
    WAHOO = "wahoo", "Wahoo"
    # Implemented on the Google Health API; athletes know it as Fitbit.
    FITBIT = "fitbit", "Fitbit"


class ConnectionStatus(models.TextChoices):
    # Translators: the state of an athlete's link to a provider (Strava, Garmin...).
    ACTIVE = "active", _("Active")
    REAUTH_REQUIRED = "reauth_required", _("Needs reconnect")
    REVOKED = "revoked", _("Revoked")
    ERROR = "error", _("Error")


class ProviderConnection(models.Model):
    """One athlete's link to one provider account, with its (encrypted) tokens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="connections",
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    # A string: Polar and Strava ids exceed 32 bits, others are opaque strings.
    provider_user_id = models.CharField(max_length=255)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField(blank=True, null=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    provider_profile = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.ACTIVE,
    )
    status_detail = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "provider_connections"
        ordering = ["user_id", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider"],
                name="connection_one_per_user_provider",
                violation_error_message="This athlete is already connected to "
                "that provider.",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_user_id"],
                name="connection_one_user_per_provider_account",
                violation_error_message="That provider account is already linked "
                "to another athlete.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "provider"], name="connection_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} connection of user {self.user_id}"

    def expires_within(self, seconds, now=None):
        """True when the access token expires within `seconds` (False if unknown)."""
        return token_expires_within(self.token_expires_at, seconds, now)


def token_expires_within(expires_at, seconds, now=None):
    """True when a token expiring at `expires_at` expires within `seconds` (False if
    unknown): a connection's, or one kept to revoke after an account deletion."""
    if expires_at is None:
        return False
    now = now or timezone.now()
    return (expires_at - now).total_seconds() <= seconds


class LegacyImportRecord(models.Model):
    """Which legacy row an imported connection or sync run came from, and which
    version of it: the import's own bookkeeping, kept out of the provider payloads
    (provider_profile, error_details) so a re-run recognises its rows."""

    source_table = models.CharField(max_length=40)
    legacy_id = models.BigIntegerField()
    # An HMAC of the legacy row for connections (no token fingerprint), its md5 else.
    digest = models.CharField(max_length=64)
    connection = models.ForeignKey(
        ProviderConnection, on_delete=models.CASCADE, related_name="legacy_imports"
    )
    # The SyncHistory row a legacy sync log became; a plain id, since providers never
    # imports sync. None on the record of the connection itself.
    sync_run_id = models.BigIntegerField(null=True, blank=True)
    # The connection's updated_at as the import left it: a later one means the new
    # app changed it since (reconnect, refresh), and the import then keeps it.
    connection_written_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "legacy_import_records"
        constraints = [
            models.UniqueConstraint(
                fields=["source_table", "legacy_id"], name="legacy_import_one_per_row"
            ),
            models.UniqueConstraint(
                fields=["connection"],
                condition=models.Q(sync_run_id__isnull=True),
                name="legacy_import_one_per_connection",
            ),
        ]

    def __str__(self):
        return f"{self.source_table} id={self.legacy_id}"
