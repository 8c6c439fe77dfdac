"""Planned workouts sent to the athlete's devices through their providers.

The contract the pages and the API use:

- senders(user): the athlete's connections whose provider takes structured
  workouts, each with whether it can take one now and, if not, why.
- request_send(workout, provider): a delivery (pending, sent after commit by the
  send_delivery task), or DeliveryRefused with a stable code and a clear message.
- workout_saved(workout) / workout_deleted(workout): services calls these inside
  its transaction; a sent workout is sent again or removed at the provider.

The provider calls themselves, their payloads, retries and failure handling are in
planning/sending.py (run by planning.tasks.send_delivery).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from providers.models import ConnectionStatus
from providers.registry import get_backend
from sync.services.scheduling import enqueue_after_commit
from trainlytics.stored_text import shown

from .models import DeliveryStatus, WorkoutDelivery


class DeliveryRefused(Exception):
    """The workout cannot be sent there; `code` is stable, `message` for people (in
    the request's language)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Sender:
    provider: str
    name: str
    connection: object
    ready: bool
    reason: str = ""


def _sender(connection):
    backend = get_backend(connection.provider)
    if not backend.accepts_workouts:
        return None
    name = {"provider": backend.name}
    if connection.status != ConnectionStatus.ACTIVE:
        reason = gettext("Reconnect %(provider)s first.") % name
    elif not connection.is_active:
        reason = gettext("%(provider)s is turned off; turn it on first.") % name
    else:
        # In English, as a refused send stores it (trainlytics.stored_text).
        reason = shown(backend.workout_permission(connection) or "")
    return Sender(connection.provider, backend.name, connection, not reason, reason)


def senders(user):
    """Who could take this athlete's structured workouts, in the dashboard's order."""
    found = (_sender(c) for c in user.connections.order_by("provider"))
    return [s for s in found if s is not None]


def request_send(workout, provider):
    """Send `workout` to `provider` (again, if it was sent before)."""
    if not workout.structure:
        raise DeliveryRefused(
            "no_structure",
            gettext("Add steps to the workout before sending it to a device."),
        )
    sender = next((s for s in senders(workout.user) if s.provider == provider), None)
    if sender is None:
        raise DeliveryRefused(
            "provider_unavailable",
            gettext(
                "Connect a provider that takes structured workouts first "
                "(Garmin or Wahoo)."
            ),
        )
    if not sender.ready:
        raise DeliveryRefused("provider_not_ready", sender.reason)
    delivery, _ = WorkoutDelivery.objects.get_or_create(
        workout=workout,
        provider=provider,
        defaults={"user": workout.user, "connection": sender.connection},
    )
    delivery.connection = sender.connection
    delivery.error_message = ""
    # Asked for by the athlete: sent even when unchanged since the last send (they
    # may have deleted it at the provider).
    delivery.sent_digest = ""
    delivery.updated_at = timezone.now()
    delivery.save(
        update_fields=["connection", "error_message", "sent_digest", "updated_at"]
    )
    _requeue(delivery, DeliveryStatus.PENDING)
    return delivery


def enqueue(delivery, run_after=None):
    from .tasks import send_delivery  # tasks imports sending, which imports this

    enqueue_after_commit(send_delivery, delivery.pk, run_after)


def workout_saved(workout):
    """A sent workout changed: its deliveries are sent again (after commit)."""
    changed = WorkoutDelivery.objects.filter(workout=workout).exclude(
        status=DeliveryStatus.DELETING
    )
    for delivery in changed:
        _requeue(delivery, DeliveryStatus.PENDING)


def workout_deleted(workout):
    """The provider copies of a deleted workout are removed too (after commit)."""
    for delivery in WorkoutDelivery.objects.filter(workout=workout):
        _requeue(delivery, DeliveryStatus.DELETING)


def _requeue(delivery, status):
    delivery.status = status
    delivery.attempts = 0
    # A future next_attempt_at is a worker's lease (or a retry's wait): that worker
    # sends the latest version or hands it on when done (planning/sending.py), so
    # a second worker is not let in meanwhile.
    if delivery.next_attempt_at is None or delivery.next_attempt_at <= timezone.now():
        delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    enqueue(delivery, run_after=delivery.next_attempt_at)
