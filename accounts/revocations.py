"""Revoking the grants of deleted accounts at their providers, and retrying.

An attempt is claimed first (a conditional UPDATE), so a task delivered twice runs
once. A token that expires soon is refreshed before revoking, since every provider
but Google revokes with the access token itself; a rotated refresh token is saved at
once, before the revoke call. The outcome:
- the provider confirmed: `revoked`, tokens wiped;
- the provider no longer accepts the tokens (401/403, a refused refresh) or does not
  know the grant (404/410): `gone`, tokens wiped, as there is nothing left to revoke;
- anything else: `pending` again after a backoff doubling from REVOCATION_RETRY_DELAY
  up to REVOCATION_MAX_DELAY, or `failed` once REVOCATION_MAX_ATTEMPTS are spent
  (staff's "retry now" gives one more attempt per press).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from providers.backends.base import Credentials
from providers.errors import ProviderError, ReauthRequiredError
from providers.registry import get_backend
from providers.tokens import needs_refresh, refreshed_fields
from sync import conf
from sync.services.scheduling import enqueue_after_commit

from .models import PendingRevocation, RevocationStatus

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
WORKER_LOST = "Worker lost: the attempt did not finish in time."
CLAIMABLE = (RevocationStatus.PENDING,)


# Read when used, so tests can change them (trainlytics/settings.py documents them).
def retry_delay():
    return timedelta(seconds=settings.REVOCATION_RETRY_DELAY)


def max_delay():
    return timedelta(seconds=settings.REVOCATION_MAX_DELAY)


def max_attempts():
    return settings.REVOCATION_MAX_ATTEMPTS


def backoff(attempts):
    """The wait after failed attempt number `attempts`: doubling, capped."""
    return min(retry_delay() * 2 ** max(attempts - 1, 0), max_delay())


def enqueue(revocation_id, run_after=None):
    """Attempt `revocation_id` once the current transaction commits."""
    from .tasks import revoke_grant  # tasks imports this module

    enqueue_after_commit(revoke_grant, revocation_id, run_after)


def claim(revocation_id, now=None):
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = PendingRevocation.objects.filter(
        due, pk=revocation_id, status__in=CLAIMABLE
    ).update(
        status=RevocationStatus.REVOKING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        next_attempt_at=None,
    )
    return PendingRevocation.objects.get(pk=revocation_id) if claimed else None


def attempt(revocation_id):
    """Try to revoke one grant if it is due; return it settled, or None."""
    revocation = claim(revocation_id)
    if revocation is None:
        return None
    backend = get_backend(revocation.provider)
    try:
        credentials = fresh_credentials(revocation, backend)
        backend.revoke(credentials)
    except Exception as exc:  # every outcome is recorded on the row
        if is_gone(exc):
            return _finish(
                revocation, RevocationStatus.GONE, safe_error(exc, revocation)
            )
        return _failed(revocation, exc)
    return _finish(revocation, RevocationStatus.REVOKED)


def fresh_credentials(revocation, backend):
    """Credentials with an access token that is still valid, refreshed if need be."""
    if revocation.refresh_token and needs_refresh(revocation, backend):
        _save(revocation, **refreshed_fields(backend, _credentials(revocation)))
    return _credentials(revocation)


def _credentials(revocation):
    return Credentials(
        access_token=revocation.access_token,
        refresh_token=revocation.refresh_token or None,
        provider_user_id=revocation.provider_user_id,
        expires_at=revocation.token_expires_at,
    )


def is_gone(exc):
    if isinstance(exc, ReauthRequiredError):
        return True
    return isinstance(exc, ProviderError) and exc.status in GONE_STATUSES


def safe_error(exc, revocation):
    """The error as staff see it. Provider errors carry no token of ours, but a
    provider could echo one back, so both are masked; anything else is named only."""
    if not isinstance(exc, ProviderError):
        return f"Internal error ({type(exc).__name__}), logged."
    text = str(exc)
    for token in (revocation.access_token, revocation.refresh_token):
        if token:
            text = text.replace(token, "[token]")
    return text


def _save(revocation, **fields):
    for name, value in fields.items():
        setattr(revocation, name, value)
    revocation.save(update_fields=list(fields))


def _finish(revocation, status, error=""):
    _save(
        revocation,
        status=status,
        access_token="",
        refresh_token="",
        token_expires_at=None,
        last_error=error,
        finished_at=timezone.now(),
    )
    logger.info("revocation %s: %s", revocation.pk, status)
    return revocation


def _failed(revocation, exc):
    error = safe_error(exc, revocation)
    if not isinstance(exc, ProviderError):
        logger.exception("revocation %s failed", revocation.pk)
    if revocation.attempts >= max_attempts():
        _save(revocation, status=RevocationStatus.FAILED, last_error=error)
        logger.warning("revocation %s failed for good: %s", revocation.pk, error)
        return revocation
    when = timezone.now() + backoff(revocation.attempts)
    _save(
        revocation,
        status=RevocationStatus.PENDING,
        last_error=error,
        next_attempt_at=when,
    )
    enqueue(revocation.pk, run_after=when)
    logger.info("revocation %s: %s; retrying at %s", revocation.pk, error, when)
    return revocation


def requeue_due(now=None):
    """Enqueue revocations that are due; count lost attempts as failed ones.

    Run by sync_due's scheduled pass (every minute in production), which also covers
    task backends that cannot defer a retry.
    """
    now = now or timezone.now()
    cutoff = now - conf.duration("SYNC_RUN_TIMEOUT")
    # Without a next attempt time, a reaped row is due at once (created long ago).
    reaped = PendingRevocation.objects.filter(
        status=RevocationStatus.REVOKING, claimed_at__lt=cutoff
    ).update(
        status=RevocationStatus.PENDING, last_error=WORKER_LOST, next_attempt_at=None
    )
    overdue = now - conf.duration("SYNC_PENDING_GRACE")
    due = PendingRevocation.objects.filter(
        Q(next_attempt_at__lte=overdue)
        | Q(next_attempt_at__isnull=True, created_at__lte=overdue),
        status=RevocationStatus.PENDING,
    )
    ids = list(due.values_list("pk", flat=True))
    # Due now, so a backlogged worker is not handed a new copy every minute.
    PendingRevocation.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for revocation_id in ids:
        enqueue(revocation_id)
    return {"requeued": len(ids), "reaped": reaped}


def retry_now(revocations):
    """Staff's "retry now": waiting or failed revocations are attempted at once.
    Returns (retried, skipped); revoked, gone and in-flight ones are skipped."""
    retried, skipped = [], []
    now = timezone.now()
    for revocation in revocations:
        waiting = PendingRevocation.objects.filter(
            pk=revocation.pk,
            status__in=(RevocationStatus.PENDING, RevocationStatus.FAILED),
        )
        if waiting.update(status=RevocationStatus.PENDING, next_attempt_at=now):
            retried.append(revocation)
            enqueue(revocation.pk)
        else:
            skipped.append(revocation)
    return retried, skipped
