"""run_delivery: one attempt at one workout delivery, from the claim to its outcome.

How an attempt ends is decided in `_failed` with the failure taxonomy of syncs
(sync/services/runner.py) and the retry budget of webhook events
(sync.webhooks.retries.next_attempt):
- sent: the provider's ids are kept on the delivery (`external`), status sent;
  removed: the provider's copy is gone, and so is the delivery row;
- reauth required (refresh refused, or a 401 a forced refresh does not cure) -> the
  connection is flagged reauth_required as a sync flags it; the delivery fails;
- rate limited (a 429, or the shared request budget spent) -> it waits for the
  provider's window without spending an attempt;
- transient (5xx, timeouts, garbled answers) -> tried again after SYNC_RETRY_DELAY,
  doubled each time, until SYNC_MAX_ATTEMPTS attempts, then failed;
- refused (another 4xx, a sport the provider has no workouts for, a permission the
  athlete has not given) -> failed at once, in the provider's words;
- anything else -> failed; the traceback is logged, never stored.
`error_message` is always a sentence for the athlete, stored in English and translated
when shown (trainlytics.stored_text); tokens never reach it.

Claiming: a conditional UPDATE turns `next_attempt_at` into a lease (SYNC_RUN_TIMEOUT
ahead) and counts the attempt, so a second worker finds the delivery not due. The
outcome is written only while the lease is ours. An edit made meanwhile is not
lost: the workout is compared with what was sent, and sent again if it changed. A
worker that dies leaves its lease to expire; planning/retries.py enqueues the
delivery again.
"""

import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from providers import services as connections
from providers.backends.base import Credentials
from providers.errors import (
    ProviderError,
    RateLimitedError,
    ReauthRequiredError,
    TransientProviderError,
)
from providers.models import ConnectionStatus
from providers.registry import get_backend
from providers.tokens import can_refresh, get_access_token, reauth_detail
from providers.workouts import REFUSED, WorkoutRefused
from sync import conf
from sync.models import Workout
from sync.services import budget
from sync.webhooks.retries import next_attempt
from trainlytics import logcontext
from trainlytics.stored_text import declare

from .delivery import enqueue
from .models import DeliveryStatus, WorkoutDelivery
from .outgoing import digest, planned_workout

logger = logging.getLogger(__name__)

ACTIVE = (DeliveryStatus.PENDING, DeliveryStatus.DELETING)
REMOVED = "removed"
INTERNAL = gettext_noop("Internal error: sending stopped unexpectedly (logged).")
# The provider's name is put in each; the workout REFUSED is providers.workouts'.
NO_ACCESS = declare(
    gettext_noop(
        "%(provider)s no longer accepts Trainlytics' access. Reconnect %(provider)s, "
        "then send the workout again."
    )
)
SLOW_DOWN = declare(
    gettext_noop("%(provider)s asked us to slow down. The workout goes out by itself.")
)
TEMPORARY = declare(
    gettext_noop("%(provider)s had a temporary problem. Trying again shortly.")
)
GAVE_UP = declare(
    gettext_noop(
        "%(provider)s could not take the workout after %(attempts)s attempts. Send "
        "it again later."
    )
)
SWITCHED_OFF = declare(
    gettext_noop(
        "%(provider)s is switched off or disconnected. Turn it on, then send the "
        "workout again."
    )
)


class _Attempt:
    """The delivery, its lease and the HTTP session of one attempt."""

    def __init__(self, delivery):
        self.delivery = delivery
        self.lease = delivery.next_attempt_at
        self.backend = get_backend(delivery.provider)
        self.http = self.backend.session()
        self.http.hooks["response"].append(self._remember_headers)
        self.headers = {}
        self.digest = ""  # of the workout this attempt sent ("" for a removal)

    def _remember_headers(self, response, *args, **kwargs):
        self.headers = response.headers

    def ours(self):
        """The delivery's row while this attempt still holds it."""
        return WorkoutDelivery.objects.filter(
            pk=self.delivery.pk,
            status=self.delivery.status,
            next_attempt_at=self.lease,
        )

    def release(self):
        """The delivery changed hands (edited, deleted) while this attempt ran: let
        go of the lease and enqueue it, so its new state is handled now."""
        WorkoutDelivery.objects.filter(
            pk=self.delivery.pk, next_attempt_at=self.lease
        ).update(next_attempt_at=None)
        enqueue(self.delivery)

    def finish(self):
        """Count the calls against the shared budget; close the connections."""
        self.http.close()
        try:
            budget.record_usage(self.delivery.provider, self.headers, self.http.calls)
        except Exception:
            logger.exception("could not record the %s budget", self.delivery.provider)


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def run_delivery(delivery_id):
    """Attempt delivery `delivery_id` once if it is due; safe to call twice."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    with logcontext.bind(
        delivery=delivery.pk,
        connection=delivery.connection_id,
        provider=delivery.provider,
    ):
        return _deliver_claimed(delivery)


def _deliver_claimed(delivery):
    attempt = _Attempt(delivery)
    try:
        outcome = _deliver(attempt)
    except Exception as exc:  # every failure is sorted out in _failed
        attempt.finish()
        return _failed(attempt, exc)
    attempt.finish()
    return _succeeded(attempt, outcome)


def _claim(delivery_id, now):
    due = WorkoutDelivery.objects.filter(_due(now), pk=delivery_id, status__in=ACTIVE)
    found = due.first()
    if found is None:
        return None
    wait = budget.spent_until(found.provider, now)
    if wait is not None:
        due.update(next_attempt_at=wait)
        enqueue(found, run_after=wait)
        return None
    lease = now + conf.duration("SYNC_RUN_TIMEOUT")
    claimed = due.filter(status=found.status).update(
        next_attempt_at=lease, attempts=found.attempts + 1, updated_at=now
    )
    if not claimed:
        return None
    delivery = WorkoutDelivery.objects.select_related(
        "connection", "workout__user"
    ).get(pk=found.pk)
    delivery.next_attempt_at, delivery.status = lease, found.status
    return delivery


def _deliver(attempt):
    delivery, backend = attempt.delivery, attempt.backend
    _check_connection(delivery.connection, backend)
    if delivery.status == DeliveryStatus.DELETING or delivery.workout is None:
        if delivery.external:
            _call(attempt, backend.delete_workout, delivery.external)
        return REMOVED
    planned = planned_workout(delivery.workout)
    attempt.digest = digest(planned)
    if delivery.external and attempt.digest == delivery.sent_digest:
        return delivery.external  # the provider's copy is this workout already
    if delivery.external:
        return _call(attempt, backend.update_workout, planned, delivery.external)
    return _call(attempt, backend.send_workout, planned)


def _check_connection(connection, backend):
    if connection.status == ConnectionStatus.REAUTH_REQUIRED:
        raise ReauthRequiredError(f"{connection.provider}: connection needs reconnect")
    if not connection.is_active or connection.status != ConnectionStatus.ACTIVE:
        raise WorkoutRefused(
            f"{connection.provider}: connection is {connection.status}",
            user_message=SWITCHED_OFF % {"provider": backend.name},
        )


def _call(attempt, method, *args):
    """`method(http, credentials, *args)` with a fresh token; a refused token gets
    one forced refresh, as a sync's does (sync/services/runner.py)."""
    connection, backend = attempt.delivery.connection, attempt.backend
    get_access_token(connection, backend)
    try:
        return method(attempt.http, Credentials.from_connection(connection), *args)
    except ReauthRequiredError as exc:
        if not can_refresh(connection):
            raise
        logger.info("delivery #%s: %s; refreshing once", attempt.delivery.pk, exc)
        get_access_token(connection, backend, force=True)
        return method(attempt.http, Credentials.from_connection(connection), *args)


def _succeeded(attempt, outcome):
    delivery = attempt.delivery
    if outcome == REMOVED:
        WorkoutDelivery.objects.filter(pk=delivery.pk).delete()
        return None
    # What exists at the provider is a fact, whoever holds the delivery now.
    WorkoutDelivery.objects.filter(pk=delivery.pk).update(external=outcome)
    now = timezone.now()
    sent = attempt.ours().update(
        status=DeliveryStatus.SENT,
        sent_digest=attempt.digest,
        sent_at=now,
        error_message="",
        next_attempt_at=None,
        updated_at=now,
    )
    if not sent:
        attempt.release()
    else:
        _resend_if_edited(attempt, DeliveryStatus.SENT)
    return _reloaded(delivery)


def _failed(attempt, exc):
    name = {"provider": attempt.backend.name}
    if isinstance(exc, ReauthRequiredError):
        connections.mark_reauth_required(
            attempt.delivery.connection, reauth_detail(attempt.backend)
        )
        return _fail(attempt, NO_ACCESS % name)
    if isinstance(exc, RateLimitedError):
        return _wait(attempt, exc.retry_at, SLOW_DOWN % name, spend=False)
    if isinstance(exc, TransientProviderError):
        when = next_attempt(attempt.delivery.attempts, exc)
        if when is not None:
            return _wait(attempt, when, TEMPORARY % name)
        attempts = attempt.delivery.attempts
        return _fail(attempt, GAVE_UP % {**name, "attempts": attempts})
    if isinstance(exc, WorkoutRefused):
        return _fail(attempt, exc.user_message)
    if isinstance(exc, ProviderError):
        words = exc.provider_message or exc.user_message
        return _fail(attempt, REFUSED % {**name, "reason": words})
    # _failed runs inside run_delivery's except block: the traceback is current.
    logger.exception("delivery #%s failed", attempt.delivery.pk)
    return _fail(attempt, INTERNAL)


def _wait(attempt, when, message, spend=True):
    delivery = attempt.delivery
    fields = {"next_attempt_at": when, "error_message": message}
    if not spend:
        fields["attempts"] = max(delivery.attempts - 1, 0)
    if attempt.ours().update(**fields, updated_at=timezone.now()):
        enqueue(delivery, run_after=when)
        logger.info("delivery #%s: retrying at %s", delivery.pk, when.isoformat())
    else:
        attempt.release()
    return _reloaded(delivery)


def _fail(attempt, message):
    failed = attempt.ours().update(
        status=DeliveryStatus.FAILED,
        error_message=message[:1000],
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    if not failed:
        attempt.release()
    elif attempt.digest:
        # The athlete may have fixed the workout while it was being refused.
        _resend_if_edited(attempt, DeliveryStatus.FAILED)
    return _reloaded(attempt.delivery)


def _resend_if_edited(attempt, status):
    """Send again when the workout changed after this attempt read it."""
    workout = (
        Workout.objects.select_related("user")
        .filter(pk=attempt.delivery.workout_id)
        .first()
    )
    if workout is None or digest(planned_workout(workout)) == attempt.digest:
        return
    edited = WorkoutDelivery.objects.filter(pk=attempt.delivery.pk, status=status)
    if edited.update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None):
        enqueue(attempt.delivery)


def _reloaded(delivery):
    return WorkoutDelivery.objects.filter(pk=delivery.pk).first()
