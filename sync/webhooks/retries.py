"""When a webhook event is tried again, and claiming it for exactly one worker.

- transient provider errors (5xx, timeouts, garbled answers) and unexpected errors
  are retried after SYNC_RETRY_DELAY, doubled on each attempt; a rate limit waits at
  least for the provider's window. After SYNC_MAX_ATTEMPTS attempts the event is
  `failed` for good;
- refusals are final at once: the athlete must reconnect (reauth), the provider
  refused the request (other 4xx), or the payload cannot be read (malformed);
- an event whose worker died stays `processing` until SYNC_RUN_TIMEOUT, then counts
  as a failed attempt ("worker lost").

Tasks carry only an event id, and a task delivered twice, late or early is harmless:
`claim` lets one caller through, and only while the event is due.
"""

import logging
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from providers.errors import (
    MalformedPayloadError,
    ProviderError,
    RateLimitedError,
    TransientProviderError,
)

from .. import conf
from ..models import WebhookEvent, WebhookStatus

logger = logging.getLogger(__name__)

WORKER_LOST = "Worker lost: processing did not finish in time."
CLAIMABLE = (WebhookStatus.RECEIVED, WebhookStatus.RETRY)


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def claim(event_id, now=None):
    """Mark event `event_id` `processing` for this worker; return it, or None when
    it is not ours to process (done, not due yet, or claimed by another worker)."""
    now = now or timezone.now()
    claimed = WebhookEvent.objects.filter(
        _due(now), pk=event_id, status__in=CLAIMABLE
    ).update(
        status=WebhookStatus.PROCESSING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        next_attempt_at=None,
    )
    if not claimed:
        return None
    return WebhookEvent.objects.select_related("connection").get(pk=event_id)


def still_ours(event):
    """The event's row, locked, if no other worker has taken it over since our claim
    (`attempts` is the claim's token); None otherwise."""
    return (
        WebhookEvent.objects.select_for_update()
        .filter(pk=event.pk, status=WebhookStatus.PROCESSING, attempts=event.attempts)
        .first()
    )


def safe_message(exc):
    """What the event and its run record: provider errors carry no secrets; the
    text of anything else might, so only its class is named (and logged in full)."""
    if isinstance(exc, ProviderError | MalformedPayloadError):
        return str(exc)
    return f"Internal error ({type(exc).__name__}), logged."


def is_retryable(exc):
    if isinstance(exc, TransientProviderError | RateLimitedError):
        return True
    return not isinstance(exc, ProviderError | MalformedPayloadError)


def next_attempt(attempts, exc=None, now=None):
    """When attempt number `attempts + 1` is due: exponential backoff, and never
    before a rate limit's window resets. None once SYNC_MAX_ATTEMPTS are spent."""
    if attempts >= conf.max_attempts():
        return None
    now = now or timezone.now()
    when = now + conf.duration("SYNC_RETRY_DELAY") * 2 ** max(attempts - 1, 0)
    if isinstance(exc, RateLimitedError):
        when = max(when, exc.retry_at)
    return when


def enqueue_event(event_id, run_after=None):
    """Enqueue processing of `event_id` once the current transaction commits."""
    # scheduling imports this module at load time; tasks imports processing.
    from ..services.scheduling import enqueue_after_commit
    from .tasks import process_webhook_event

    enqueue_after_commit(process_webhook_event, event_id, run_after)


def reap_lost_events(now=None):
    """Events `processing` for longer than SYNC_RUN_TIMEOUT lost their worker: count
    that as a failed attempt, enqueued again now or failed once attempts are spent."""
    now = now or timezone.now()
    cutoff = now - conf.duration("SYNC_RUN_TIMEOUT")
    stuck = WebhookEvent.objects.filter(
        status=WebhookStatus.PROCESSING, claimed_at__lt=cutoff
    ).only("pk", "attempts")
    reaped = 0
    for event in stuck:
        spent = event.attempts >= conf.max_attempts()
        if not WebhookEvent.objects.filter(
            pk=event.pk, status=WebhookStatus.PROCESSING, attempts=event.attempts
        ).update(
            status=WebhookStatus.FAILED if spent else WebhookStatus.RETRY,
            error=WORKER_LOST,
            next_attempt_at=None if spent else now,
            processed_at=now if spent else None,
        ):
            continue  # it finished after all
        reaped += 1
        if not spent:
            enqueue_event(event.pk)
    return reaped


def requeue_due_events(now=None):
    """Enqueue retries overdue by SYNC_PENDING_GRACE and received events whose task
    was lost; reap events whose worker died. Run by sync_due every minute."""
    now = now or timezone.now()
    reaped = reap_lost_events(now)
    overdue = now - conf.duration("SYNC_PENDING_GRACE")
    waiting = WebhookEvent.objects.filter(
        Q(status=WebhookStatus.RETRY, next_attempt_at__lte=overdue)
        | Q(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=overdue),
            status=WebhookStatus.RECEIVED,
            received_at__lte=overdue,
        )
    )
    ids = list(waiting.values_list("pk", flat=True))
    # Still due, but not enqueued again before another grace period: a backlogged
    # worker is not handed a new copy of the task every minute.
    WebhookEvent.objects.filter(pk__in=ids, status__in=CLAIMABLE).update(
        next_attempt_at=now
    )
    for event_id in ids:
        enqueue_event(event_id)
    return {"requeued": len(ids), "reaped": reaped}


@dataclass
class RetryOutcome:
    retried: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def retry_now(events):
    """Staff's "retry now": failed or waiting events become due at once and are
    enqueued. An event that spent its attempts gets one more per press; processed,
    ignored and in-flight events are skipped, untouched (never processed twice)."""
    outcome = RetryOutcome()
    now = timezone.now()
    for event in events:
        retryable = WebhookEvent.objects.filter(
            pk=event.pk, status__in=(WebhookStatus.FAILED, WebhookStatus.RETRY)
        )
        if retryable.update(status=WebhookStatus.RETRY, next_attempt_at=now):
            outcome.retried.append(event)
            enqueue_event(event.pk)
        else:
            outcome.skipped.append(event)
    return outcome
