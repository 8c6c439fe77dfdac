"""Every counter and histogram, and the helpers instrumented code calls in one line.

A helper never raises: a metric that fails to record is logged, and the sync, the
provider call or the webhook goes on. Labels are providers, statuses and outcomes,
never a user, an address or a token.

Multi-process mode: with PROMETHEUS_MULTIPROC_DIR set (before this module is first
imported), every process writes its values to files in that directory and /metrics
adds them up (views.py), so gunicorn workers and db_worker processes of one host can
share it. Files are named by host and pid, not pid alone, because containers sharing
the directory each number their processes from 1.
"""

import functools
import logging
import os
import socket

import requests
from prometheus_client import Counter, Histogram, values
from prometheus_client import multiprocess as prometheus_multiprocess

logger = logging.getLogger(__name__)

PREFIX = "trainlytics"
# Runs take from a second (nothing new) to many minutes (a first backfill).
DURATION_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800)
_HOST = socket.gethostname().replace("_", "-")


def multiproc_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def process_id(pid=None):
    """The name of this process's files: the multiprocess collector splits on "_"."""
    return f"{_HOST}-{pid or os.getpid()}"


def mark_process_dead(pid):
    """For gunicorn's child_exit: forget a dead worker's live gauges (we keep none
    today; counters of dead processes must stay, so their files are kept)."""
    prometheus_multiprocess.mark_process_dead(process_id(pid))


if multiproc_dir():
    # A directory that cannot be made stops the process at start, not every sync.
    os.makedirs(multiproc_dir(), exist_ok=True)
    # Chosen before the first metric below is made, as prometheus_client requires.
    values.ValueClass = values.MultiProcessValue(process_identifier=process_id)


SYNC_RUNS = Counter(
    f"{PREFIX}_sync_runs",
    "Sync runs finished, by provider and final status.",
    ["provider", "status"],
)
SYNC_DURATION = Histogram(
    f"{PREFIX}_sync_run_duration_seconds",
    "Duration of finished sync runs (last attempt), by provider.",
    ["provider"],
    buckets=DURATION_BUCKETS,
)
ACTIVITIES_WRITTEN = Counter(
    f"{PREFIX}_activities_written",
    "Activities upserted by syncs and webhooks, by provider and result.",
    ["provider", "result"],
)
PROVIDER_REQUESTS = Counter(
    f"{PREFIX}_provider_http_requests",
    "Outbound requests to providers, by HTTP status (or timeout, connection_error).",
    ["provider", "status"],
)
PROVIDER_ERRORS = Counter(
    f"{PREFIX}_provider_http_errors",
    "Outbound provider requests that failed: HTTP 4xx/5xx, timeouts, no connection.",
    ["provider", "status"],
)
WEBHOOK_EVENTS = Counter(
    f"{PREFIX}_webhook_events",
    "Webhook events by outcome: received, duplicate, rejected (request refused by "
    "verification), processed, ignored, retried, failed (for good).",
    ["provider", "outcome"],
)


def _never_raises(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            function(*args, **kwargs)
        except Exception:
            logger.exception("metrics: %s failed", function.__name__)

    return wrapper


def _label(value):
    return str(value or "unknown")


@_never_raises
def sync_finished(run):
    """A SyncHistory run reached a final status (sync.services.history)."""
    provider = _label(run.connection.provider)
    SYNC_RUNS.labels(provider, _label(run.status)).inc()
    if run.duration_s is not None:
        SYNC_DURATION.labels(provider).observe(max(run.duration_s, 0))


@_never_raises
def activities_written(provider, created, updated):
    provider = _label(provider)
    if created:
        ACTIVITIES_WRITTEN.labels(provider, "created").inc(created)
    if updated:
        ACTIVITIES_WRITTEN.labels(provider, "updated").inc(updated)


@_never_raises
def provider_response(provider, response=None, error=None):
    """One outbound provider request: its response, or the transport error raised."""
    if response is not None:
        status = str(response.status_code)
        failed = response.status_code >= 400
    else:
        timeout = isinstance(error, requests.Timeout)
        status = "timeout" if timeout else "connection_error"
        failed = True
    PROVIDER_REQUESTS.labels(_label(provider), status).inc()
    if failed:
        PROVIDER_ERRORS.labels(_label(provider), status).inc()


@_never_raises
def webhook_events(provider, outcome, count=1):
    if count:
        WEBHOOK_EVENTS.labels(_label(provider), outcome).inc(count)
