"""What the sandbox must remember; everything else is in signed, stateless tokens.

Tokens carry the athlete, provider, scopes and expiry (tokens.py), so restarting the
server keeps connections working. The database holds only what a signature cannot
say: that a token was spent or revoked, Polar registrations, Garmin backfill
requests, COROS extensions, the Wahoo token ledger (its cap), the fault switches
and the planned workouts clients sent (ReceivedWorkout).
"""

from django.db import models


class SpentToken(models.Model):
    """A used authorization code or rotated refresh token (by digest, never the
    token itself)."""

    digest = models.CharField(max_length=64, unique=True)
    spent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"spent {self.digest[:8]}…"


class RevokedGrant(models.Model):
    """Every token of this provider and athlete issued before `revoked_at` is dead."""

    provider = models.CharField(max_length=20)
    athlete_id = models.PositiveIntegerField()
    revoked_at = models.FloatField()  # epoch seconds, as tokens record `iat`

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "athlete_id"], name="sandbox_one_revocation"
            )
        ]

    def __str__(self):
        return f"{self.provider} athlete {self.athlete_id} revoked"


class GrantExtension(models.Model):
    """COROS refresh extends the same access token (§5.2): its new expiry."""

    grant = models.CharField(max_length=64, unique=True)
    expires_at = models.FloatField()

    def __str__(self):
        return f"grant {self.grant} until {self.expires_at}"


class PolarRegistration(models.Model):
    athlete_id = models.PositiveIntegerField(unique=True)
    member_id = models.CharField(max_length=255)
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"polar athlete {self.athlete_id}"


class GarminBackfill(models.Model):
    athlete_id = models.PositiveIntegerField()
    start = models.BigIntegerField()
    end = models.BigIntegerField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["athlete_id", "start", "end"], name="sandbox_backfill_once"
            )
        ]

    def __str__(self):
        return f"backfill {self.athlete_id} {self.start}-{self.end}"


class Fault(models.Model):
    """A fault switch turned on for one sandbox athlete (faults.py)."""

    class Kind(models.TextChoices):
        RATE_LIMITED = "rate_limited", "429 with rate-limit headers"
        SERVER_ERROR = "server_error", "500 on every API call"
        SLOW = "slow", "Slow responses"
        MALFORMED = "malformed", "Malformed JSON"
        REVOKED = "revoked", "Token revoked (401)"
        MID_SYNC = "mid_sync", "Second page answers 500"

    athlete_id = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["athlete_id", "kind"], name="sandbox_fault_once"
            )
        ]

    def __str__(self):
        return f"athlete {self.athlete_id}: {self.kind}"


class WahooToken(models.Model):
    """One Wahoo access token (and the refresh token issued with it), by digest: the
    ledger behind Wahoo's cap on unrevoked access tokens per app and user (§6.2)."""

    client_id = models.CharField(max_length=100)
    athlete_id = models.PositiveIntegerField()
    access_digest = models.CharField(max_length=64, unique=True)
    refresh_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # The access token this one replaced by a refresh: revoked on this one's first use.
    replaces = models.CharField(max_length=64, blank=True)
    used = models.BooleanField(default=False)
    revoked = models.BooleanField(default=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["client_id", "athlete_id", "revoked"],
                name="sandbox_wahoo_unrevoked",
            )
        ]

    def __str__(self):
        state = "revoked" if self.revoked else "live"
        return (
            f"wahoo athlete {self.athlete_id} token {self.access_digest[:8]}… {state}"
        )


class ReceivedWorkout(models.Model):
    """A planned workout a client sent to a sandbox provider, as that provider keeps
    it: a Garmin workout or schedule, a Wahoo plan or workout. Its pk is the id the
    provider answers with; `parent` ties a schedule to its workout and a Wahoo
    workout to its plan."""

    class Kind(models.TextChoices):
        GARMIN_WORKOUT = "garmin_workout", "Garmin workout"
        GARMIN_SCHEDULE = "garmin_schedule", "Garmin schedule"
        WAHOO_PLAN = "wahoo_plan", "Wahoo plan"
        WAHOO_WORKOUT = "wahoo_workout", "Wahoo workout"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    athlete_id = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    day = models.DateField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} of athlete {self.athlete_id}"
