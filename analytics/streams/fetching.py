"""run_fetch: one attempt at one streams row, from the claim to its outcome.

The source: the session's copies whose provider has streams and whose connection
is active, best provider first (analytics/streams/sources.py); a provider that holds
no time series for the activity hands on to the next. When to fetch at all is
analytics/streams/queue.py's business.

How an attempt ends, with the failure taxonomy of syncs (sync/services/runner.py):
- ready: the channels stored (analytics/streams/store.py), with the source provider;
- unavailable: no provider that we can ask has a time series for the activity;
- reauth required (refresh refused, or a 401 a forced refresh does not cure) -> the
  connection is flagged reauth_required as a sync flags it; the row fails;
- rate limited (a 429, or the shared request budget spent) -> it waits for the
  provider's window without spending an attempt. A LOW row also waits, the same
  way, while no more than STREAMS_LOW_RESERVE of the window is left: new
  activities' streams never eat into what syncs and waiting athletes need;
- transient (5xx, timeouts) -> tried again after SYNC_RETRY_DELAY, doubled each
  time, until SYNC_MAX_ATTEMPTS attempts, then failed;
- malformed (the provider's data cannot be read) -> failed, with a message;
- another refusal -> failed in the provider's words; anything else -> failed, the
  traceback logged, never stored.
`error_message` is a sentence for the athlete, stored in English and translated when
shown (trainlytics.stored_text); tokens never reach it.

Claiming: a conditional UPDATE turns `next_attempt_at` into a lease (SYNC_RUN_TIMEOUT
ahead) and counts the attempt, so a second worker finds the row not due. The
outcome is written only while the lease is ours; a worker that dies leaves its lease
to expire and queue.requeue_due enqueues the row again.
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
from providers.streams import StreamRequest
from providers.tokens import can_refresh, get_access_token, reauth_detail
from sync import conf as sync_conf
from sync.models import ProviderBudget
from sync.services import budget
from sync.webhooks.retries import next_attempt
from trainlytics import logcontext
from trainlytics.stored_text import declare

from ..models import ActivityStreams, StreamStatus
from . import conf, sources, store
from .queue import RESERVE_WAIT, enqueue
from .signals import original_file_received

logger = logging.getLogger(__name__)

INTERNAL = gettext_noop(
    "Internal error: loading the detailed data stopped unexpectedly (logged)."
)
NO_SOURCE = gettext_noop(
    "No connected provider offers detailed data for this activity."
)
# Stands for the provider's name when no provider was asked yet.
THE_PROVIDER = gettext_noop("The provider")
# Translators: the providers asked, as "Strava, Garmin".
NONE_FROM = declare(gettext_noop("No detailed data from %(providers)s."))
NO_ACCESS = declare(
    gettext_noop(
        "%(provider)s no longer accepts Trainlytics' access. Reconnect %(provider)s "
        "to load the detailed data."
    )
)
SLOW_DOWN = declare(
    gettext_noop("%(provider)s asked us to slow down. The data loads by itself.")
)
TEMPORARY = declare(
    gettext_noop("%(provider)s had a temporary problem. Trying again shortly.")
)
GAVE_UP = declare(
    gettext_noop(
        "%(provider)s could not send the detailed data after %(attempts)s attempts. "
        "Try again later."
    )
)
UNREADABLE = declare(gettext_noop("%(provider)s sent detailed data we could not read."))
# Translators: the reason is the provider's own words.
REFUSED = declare(gettext_noop("%(provider)s refused the detailed data: %(reason)s"))


class ReserveWaitError(budget.BudgetSpentError):
    """A LOW fetch leaves the rest of the provider's window to syncs."""

    kind = "reserve_wait"


class _Attempt:
    """The row, its lease, and the candidate being asked."""

    def __init__(self, row):
        self.row = row
        self.lease = row.next_attempt_at
        self.candidate = None
        self.tried = []

    @property
    def name(self):
        return self.candidate.backend.name if self.candidate else THE_PROVIDER

    def ours(self):
        """The row while this attempt still holds it."""
        return ActivityStreams.objects.filter(
            pk=self.row.pk, status=StreamStatus.PENDING, next_attempt_at=self.lease
        )


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def run_fetch(streams_id):
    """Attempt to fetch streams row `streams_id` once if it is due; safe to call
    twice. Returns the row as it ended, or None when it was not ours."""
    row = _claim(streams_id, timezone.now())
    if row is None:
        return None
    with logcontext.bind(streams=row.pk, activity=row.activity_id):
        return _fetch_claimed(row)


def _fetch_claimed(row):
    attempt = _Attempt(row)
    try:
        data = _fetch(attempt)
    except Exception as exc:  # every failure is sorted out in _failed
        return _failed(attempt, exc)
    return _finished(attempt, data)


def _claim(streams_id, now):
    due = ActivityStreams.objects.filter(
        _due(now), pk=streams_id, status=StreamStatus.PENDING
    )
    found = due.only("pk", "attempts").first()
    if found is None:
        return None
    lease = now + sync_conf.duration("SYNC_RUN_TIMEOUT")
    claimed = due.filter(attempts=found.attempts).update(
        next_attempt_at=lease, attempts=found.attempts + 1, error_message=""
    )
    if not claimed:
        return None
    return (
        ActivityStreams.objects.select_related("activity")
        .defer("data")
        .get(pk=found.pk)
    )


def _fetch(attempt):
    """StreamData from the best candidate that has some, or None."""
    for candidate in sources.candidates(attempt.row.activity):
        attempt.candidate = candidate
        _check_budget(candidate.provider, attempt.row.priority)
        data = _call(attempt, candidate)
        attempt.tried.append(candidate)
        if data is not None and data.time_s:
            return data
    return None


def _check_budget(provider, priority, now=None):
    """BudgetSpentError while the provider's window is spent; for a LOW row,
    ReserveWaitError once the reserve is reached."""
    now = now or timezone.now()
    budget.check_budget(provider, now)
    if priority >= conf.HIGH:
        return
    window = ProviderBudget.objects.filter(provider=provider).first()
    if window is None or window.limit is None or window.reset_at is None:
        return
    if window.reset_at > now and window.used >= window.limit * (1 - conf.low_reserve()):
        raise ReserveWaitError(
            f"{provider}: low-priority streams wait until {window.reset_at}",
            retry_at=window.reset_at,
        )


def _call(attempt, candidate):
    """backend.fetch_streams with a fresh token; a refused token gets one forced
    refresh, as a sync's does. Calls count against the shared budget."""
    backend, connection, copy = (
        candidate.backend,
        candidate.connection,
        candidate.activity,
    )
    request = StreamRequest(
        provider_activity_id=copy.provider_activity_id,
        activity_data=copy.activity_data,
        start_time=copy.start_time,
    )
    http = backend.session()
    headers = {}
    http.hooks["response"].append(lambda r, *a, **k: headers.update(r.headers))
    try:
        get_access_token(connection, backend)
        try:
            return backend.fetch_streams(
                http, Credentials.from_connection(connection), request
            )
        except ReauthRequiredError as exc:
            if not can_refresh(connection):
                raise
            logger.info("streams #%s: %s; refreshing once", attempt.row.pk, exc)
            get_access_token(connection, backend, force=True)
            return backend.fetch_streams(
                http, Credentials.from_connection(connection), request
            )
    finally:
        http.close()
        try:
            budget.record_usage(candidate.provider, headers, http.calls)
        except Exception:
            logger.exception("could not record the %s budget", candidate.provider)


def _finished(attempt, data):
    if data is None:
        names = ", ".join(c.backend.name for c in attempt.tried)
        message = NONE_FROM % {"providers": names} if names else NO_SOURCE
        source = attempt.tried[0].provider if attempt.tried else ""
        attempt.ours().update(
            status=StreamStatus.UNAVAILABLE,
            source=source,
            error_message=message,
            next_attempt_at=None,
            fetched_at=timezone.now(),
        )
    else:
        provider, user_id = attempt.candidate.provider, attempt.row.activity.user_id
        stored = store.mark_ready(attempt.ours(), data, provider, user_id)
        if stored and data.original_fit:
            original_file_received.send(
                None,
                activity=attempt.candidate.activity,
                content=data.original_fit,
                file_format="fit",
            )
    return _reloaded(attempt.row)


def _failed(attempt, exc):
    name = {"provider": attempt.name}
    if isinstance(exc, ReauthRequiredError):
        connections.mark_reauth_required(
            attempt.candidate.connection, reauth_detail(attempt.candidate.backend)
        )
        return _fail(attempt, NO_ACCESS % name)
    if isinstance(exc, ReserveWaitError):
        return _wait(attempt, exc.retry_at, RESERVE_WAIT, spend=False)
    if isinstance(exc, RateLimitedError):
        return _wait(attempt, exc.retry_at, SLOW_DOWN % name, spend=False)
    if isinstance(exc, TransientProviderError):
        when = next_attempt(attempt.row.attempts, exc)
        if when is not None:
            return _wait(attempt, when, TEMPORARY % name)
        return _fail(attempt, GAVE_UP % {**name, "attempts": attempt.row.attempts})
    if isinstance(exc, ValueError):  # MalformedPayloadError, uneven StreamData
        logger.warning("streams #%s: unreadable data: %s", attempt.row.pk, exc)
        return _fail(attempt, UNREADABLE % name)
    if isinstance(exc, ProviderError):
        words = exc.provider_message or exc.user_message
        return _fail(attempt, REFUSED % {**name, "reason": words})
    # _failed runs inside run_fetch's except block: the traceback is current.
    logger.exception("streams #%s failed", attempt.row.pk)
    return _fail(attempt, INTERNAL)


def _wait(attempt, when, message, spend=True):
    row = attempt.row
    fields = {"next_attempt_at": when, "error_message": message}
    if attempt.candidate is not None:
        fields["source"] = attempt.candidate.provider
    if not spend:
        fields["attempts"] = max(row.attempts - 1, 0)
    if attempt.ours().update(**fields):
        enqueue(row, run_after=when)
        logger.info("streams #%s: retrying at %s", row.pk, when.isoformat())
    return _reloaded(row)


def _fail(attempt, message):
    fields = {"status": StreamStatus.FAILED, "error_message": message[:1000]}
    if attempt.candidate is not None:
        fields["source"] = attempt.candidate.provider
    attempt.ours().update(**fields, next_attempt_at=None, fetched_at=timezone.now())
    return _reloaded(attempt.row)


def _reloaded(row):
    return ActivityStreams.objects.filter(pk=row.pk).first()
