"""When deliveries are tried again: the scheduled pass and staff's "retry now".

Tasks carry only a delivery id; a task delivered twice, late or lost is harmless,
as run_delivery (planning/sending.py) claims a delivery for one worker and only
while it is due.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from sync import conf

from .delivery import enqueue
from .models import DeliveryStatus, WorkoutDelivery
from .sending import ACTIVE

# Stored in English, translated when shown (trainlytics.stored_text).
WORKER_LOST = gettext_noop(
    "Sending did not finish: the worker was lost. Send the workout again."
)


def requeue_due_deliveries(now=None):
    """Enqueue deliveries overdue by SYNC_PENDING_GRACE (a lost task, a lease whose
    worker died); fail those whose attempts are spent. Run by sync_due's pass."""
    now = now or timezone.now()
    overdue = now - conf.duration("SYNC_PENDING_GRACE")
    waiting = WorkoutDelivery.objects.filter(status__in=ACTIVE).filter(
        Q(next_attempt_at__lte=overdue)
        | Q(next_attempt_at__isnull=True, updated_at__lte=overdue)
    )
    lost = waiting.filter(
        attempts__gte=conf.max_attempts(), next_attempt_at__isnull=False
    )
    failed = lost.update(
        status=DeliveryStatus.FAILED, error_message=WORKER_LOST, next_attempt_at=None
    )
    ids = list(waiting.values_list("pk", flat=True))
    # Marked due now, so a backlogged worker is not handed a copy every minute.
    WorkoutDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for delivery_id in ids:
        enqueue(WorkoutDelivery(pk=delivery_id))
    return {"requeued": len(ids), "failed": failed}


def retry_now(deliveries):
    """Staff's "retry now": failed deliveries are sent (or removed) again at once,
    with a fresh budget of attempts. Returns (retried, skipped)."""
    retried, skipped = [], []
    for delivery in deliveries:
        status = DeliveryStatus.PENDING
        if delivery.workout_id is None:
            status = DeliveryStatus.DELETING
        failed = WorkoutDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.FAILED
        )
        if failed.update(status=status, attempts=0, next_attempt_at=None):
            retried.append(delivery)
            enqueue(delivery)
        else:
            skipped.append(delivery)
    return retried, skipped
