"""run_sync: one attempt at one pending run, from the claim to the history row.

How a run ends is decided in one place, `_settle`:
- success: every fetched item stored; partial: finished, but some items could not be
  normalised (skipped, counted, reasons in error_details["skipped"]). Both move
  last_sync_at to window_end, the moment fetching began;
- reauth required (refresh refused, or a 401 while listing that a forced refresh
  does not cure) → failed, the connection flagged reauth_required, no retry, no
  scheduled sync until the athlete reconnects;
- rate limited (a 429, or the shared budget spent) → rate_limited, and a new pending
  run waits for the provider's window to reset;
- transient (5xx, timeouts, garbled pages) → the same run goes back to pending with
  exponential backoff, until SYNC_MAX_ATTEMPTS attempts, then failed;
- any other provider refusal → failed; anything else → failed with kind "internal",
  the traceback logged and never stored.
Pages already written stay written whatever happens later; re-runs upsert, so they
never duplicate. Counters add up over all attempts of a run.
"""

import logging

from django.db.models import F, Q
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
from trainlytics import logcontext

from .. import conf
from ..models import SyncHistory, SyncStatus, SyncType
from ..signals import batched
from . import budget
from .history import COUNTERS, SyncInProgressError, complete_sync, start_sync
from .ingest import write_page
from .scheduling import defer_run, enqueue_run, schedule_run

RECONNECT = gettext_noop("Reconnect to resume syncing.")

logger = logging.getLogger(__name__)

SKIPPED_DETAILS_LIMIT = 20
RAW_ID_KEYS = ("id", "summaryId", "activityId", "labelId", "workoutId", "name")


class InternalSyncError(Exception):
    """What an unexpected exception becomes on the history row: no internals."""

    def __init__(self, exc):
        super().__init__("Internal error: the sync stopped unexpectedly (logged).")
        self.exception_class = type(exc).__name__

    def details(self):
        return {"kind": "internal", "exception": self.exception_class}


class ConnectionUnavailableError(ProviderError):
    """The athlete switched syncing off, or the connection was revoked."""

    kind = "connection_unavailable"


class _Attempt:
    """The HTTP session, counters and skipped items of one attempt at a run."""

    def __init__(self, sync, backend):
        self.sync = sync
        self.backend = backend
        self.http = backend.session()
        self.http.hooks["response"].append(self._remember_headers)
        provider = sync.connection.provider
        self.http.before_request = lambda: budget.check_budget(provider)
        self.headers = {}
        self.recorded_calls = 0
        self.earlier_calls = sync.api_calls
        self.stats = {name: getattr(sync, name) for name in COUNTERS}

    def _remember_headers(self, response, *args, **kwargs):
        self.headers = response.headers

    def skip(self, raw, exc):
        self.stats["activities_skipped"] += 1
        skipped = self.sync.error_details.setdefault("skipped", [])
        if len(skipped) < SKIPPED_DETAILS_LIMIT:
            reason = f"{type(exc).__name__}: {exc}"[:200]
            skipped.append({"id": _raw_id(raw), "reason": reason})

    def save_progress(self):
        """Counters to the row after each page (staff see a long backfill move)."""
        self.record_budget()
        SyncHistory.objects.filter(pk=self.sync.pk).update(
            error_details=self.sync.error_details, **self.stats
        )

    def record_budget(self):
        self.stats["api_calls"] = self.earlier_calls + self.http.calls
        calls = self.http.calls - self.recorded_calls
        self.recorded_calls = self.http.calls
        budget.record_usage(self.sync.connection.provider, self.headers, calls)
        self.headers = {}


def _raw_id(raw):
    if isinstance(raw, dict):
        for key in RAW_ID_KEYS:
            if raw.get(key) not in (None, ""):
                return str(raw[key])[:100]
    return ""


def run_sync(sync_id, *, full=False, progress=None):
    """Execute pending run `sync_id` once; return its row, or None if not ours to run.

    Safe to call twice for one id (a task delivered twice): the conditional UPDATE
    from pending to running lets exactly one caller through. `full` fetches as far
    back as the provider allows; `progress(page_number, stats)` follows each page.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    sync = (
        SyncHistory.objects.select_related("connection")
        .filter(due, pk=sync_id, status=SyncStatus.PENDING)
        .first()
    )
    if sync is None:
        return None
    connection = sync.connection
    with logcontext.bind(
        sync_run=sync.pk, connection=connection.pk, provider=connection.provider
    ):
        return _claim_and_run(sync, due, now, full, progress)


def _claim_and_run(sync, due, now, full, progress):
    wait = budget.spent_until(sync.connection.provider, now)
    if wait is not None:
        defer_run(sync, wait)
        return sync
    since = _since(sync.connection, full, now)
    claimed = SyncHistory.objects.filter(due, pk=sync.pk, status=SyncStatus.PENDING)
    if not claimed.update(
        status=SyncStatus.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
        window_start=since,
        window_end=now,
        next_attempt_at=None,
    ):
        return None
    sync.refresh_from_db()
    attempt = _Attempt(sync, get_backend(sync.connection.provider))
    try:
        _check_connection(sync.connection)
        with batched():
            _fetch(attempt, since, progress)
    except Exception as exc:  # every outcome is sorted out in _settle
        return _settle(attempt, exc)
    return _settle(attempt, None)


def _since(connection, full, now):
    if full or connection.last_sync_at is None:
        return None
    return connection.last_sync_at - conf.duration("SYNC_LOOKBACK")


def _check_connection(connection):
    if connection.status == ConnectionStatus.REAUTH_REQUIRED:
        raise ReauthRequiredError(
            f"{connection.provider}: connection needs reconnect",
            user_message=connection.status_detail or RECONNECT,
        )
    if not connection.is_active or connection.status != ConnectionStatus.ACTIVE:
        raise ConnectionUnavailableError(
            f"{connection.provider}: connection is {connection.status}, "
            f"syncing {'on' if connection.is_active else 'off'}",
        )


def _fetch(attempt, since, progress):
    """Fetch and store every page. A refused access token gets one forced refresh
    and a second pass (pages already stored are upserted again, never doubled): an
    early-revoked or rotated-away token is not yet a lost grant. A second refusal,
    or a refused refresh, means the athlete must reconnect."""
    connection, backend = attempt.sync.connection, attempt.backend
    get_access_token(connection, backend)
    try:
        _fetch_pages(attempt, since, progress)
    except ReauthRequiredError as exc:
        if not can_refresh(connection):
            raise
        logger.info("sync #%s: %s; refreshing once", attempt.sync.pk, exc)
        get_access_token(connection, backend, force=True)
        _fetch_pages(attempt, since, progress)


def _fetch_pages(attempt, since, progress):
    connection, backend = attempt.sync.connection, attempt.backend
    credentials = Credentials.from_connection(connection)
    pages = iter(backend.iter_activities(attempt.http, credentials, since))
    number = 0
    while True:
        # The budget is checked before each request (the session's before_request),
        # not before each page: a run whose last page spent the window, with no
        # request left to make, ends as a success instead of being held for one.
        page = next(pages, None)
        if page is None:
            return
        number += 1
        _store_page(attempt, page)
        attempt.save_progress()
        if progress:
            progress(number, dict(attempt.stats))


def _store_page(attempt, page):
    write_page(
        attempt.sync.connection, attempt.backend, page, attempt.stats, attempt.skip
    )


def _settle(attempt, exc):
    """The failure taxonomy: what each outcome means for the run and the connection."""
    sync = attempt.sync
    try:
        attempt.record_budget()
    except Exception:
        logger.exception("could not record the %s budget", sync.connection.provider)
    stats = attempt.stats
    if exc is None:
        sync.error_message = ""
        skipped = stats["activities_skipped"]
        status = SyncStatus.PARTIAL if skipped else SyncStatus.SUCCESS
        return complete_sync(sync, status, stats)
    if isinstance(exc, ReauthRequiredError):
        connections.mark_reauth_required(
            sync.connection, reauth_detail(attempt.backend)
        )
        return complete_sync(sync, SyncStatus.FAILED, stats, error=exc)
    if isinstance(exc, RateLimitedError):
        complete_sync(sync, SyncStatus.RATE_LIMITED, stats, error=exc)
        schedule_run(sync.connection, sync.sync_type, exc.retry_at)
        return sync
    if isinstance(exc, TransientProviderError) and sync.attempts < conf.max_attempts():
        return _retry_later(sync, stats, exc)
    if isinstance(exc, ProviderError):
        return complete_sync(sync, SyncStatus.FAILED, stats, error=exc)
    # _settle runs inside run_sync's except block: the traceback is the current one.
    logger.exception("sync #%s of connection %s failed", sync.pk, sync.connection_id)
    return complete_sync(sync, SyncStatus.FAILED, stats, error=InternalSyncError(exc))


def _retry_later(sync, stats, exc):
    delay = conf.duration("SYNC_RETRY_DELAY") * 2 ** (sync.attempts - 1)
    when = timezone.now() + delay
    for name, value in stats.items():
        setattr(sync, name, value)
    sync.status = SyncStatus.PENDING
    sync.next_attempt_at = when
    sync.error_message = str(exc)
    sync.error_details = {
        **sync.error_details,
        "retry": {**exc.details(), "attempt": sync.attempts},
    }
    sync.save()
    enqueue_run(sync.pk, run_after=when)
    logger.info("sync #%s: %s; retrying at %s", sync.pk, exc, when.isoformat())
    return sync


def sync_in_foreground(connection, *, full=False, progress=None):
    """Run a manual sync of `connection` now, in this process (manage.py).

    Takes over a pending run if there is one; SyncInProgressError while one runs.
    Returns the row, or None when the pending run must wait (next_attempt_at).
    """
    try:
        sync = start_sync(connection, SyncType.MANUAL)
    except SyncInProgressError as exc:
        sync = exc.sync
        if sync.status == SyncStatus.RUNNING:
            raise
    return run_sync(sync.pk, full=full, progress=progress)
