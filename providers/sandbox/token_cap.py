"""Wahoo's cap on unrevoked access tokens per app and user (providers.md §6.2, §6.3).

At most CAP unrevoked access tokens per (client, athlete); the next code exchange or
refresh is refused with Wahoo's 400. A refreshed token's predecessor is revoked only
when the new token is first used for an API call, so refreshing without calling the
API piles tokens up. DELETE /v1/permissions (or the athlete removing the app, on the
control page) revokes every access token of the app for that athlete, and the
refresh tokens issued with them; a consent not yet exchanged for a token is not an
access token and survives.

The ledger (models.WahooToken) keeps digests, never tokens.
"""

from django.db import transaction

from .models import WahooToken
from .tokens import digest

CAP = 10
# The documented words (§6.2); Wahoo's full sentence goes on, unrecorded.
CAP_MESSAGE = "Too many unrevoked access tokens exist for this app and user."


def unrevoked(client_id, athlete_id):
    return WahooToken.objects.filter(
        client_id=client_id, athlete_id=athlete_id, revoked=False
    ).count()


def is_full(client_id, athlete_id):
    return unrevoked(client_id, athlete_id) >= CAP


def record(client_id, athlete_id, access, refresh, spent_refresh=None):
    """Enter a newly issued token pair; `spent_refresh` is the refresh token it was
    issued for (a refresh grant), whose access token it replaces."""
    replaces = ""
    if spent_refresh:
        previous = WahooToken.objects.filter(refresh_digest=digest(spent_refresh))
        replaces = previous.values_list("access_digest", flat=True).first() or ""
    WahooToken.objects.create(
        client_id=client_id,
        athlete_id=athlete_id,
        access_digest=digest(access),
        refresh_digest=digest(refresh),
        replaces=replaces,
    )


def use(access, client_id, athlete_id):
    """An API call with `access`: False if it was revoked. Its first use revokes the
    token it replaced. A token the ledger never saw (one a test signed directly) is
    entered on first use, so it counts and can be revoked like the others."""
    with transaction.atomic():
        row, created = WahooToken.objects.select_for_update().get_or_create(
            access_digest=digest(access),
            defaults={"client_id": client_id, "athlete_id": athlete_id, "used": True},
        )
        if row.revoked:
            return False
        if not created and not row.used:
            row.used = True
            row.save(update_fields=["used"])
            if row.replaces:
                WahooToken.objects.filter(access_digest=row.replaces).update(
                    revoked=True
                )
    return True


def refresh_revoked(refresh):
    return WahooToken.objects.filter(
        refresh_digest=digest(refresh), revoked=True
    ).exists()


def revoke_all(client_id, athlete_id):
    """Every access token of this app for the athlete; how many were live."""
    return WahooToken.objects.filter(
        client_id=client_id, athlete_id=athlete_id, revoked=False
    ).update(revoked=True)
