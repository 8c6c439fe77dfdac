"""Gauges read from the database when Prometheus scrapes, not kept in any process.

So they are right however many processes serve /metrics, and they cost queries only
on a scrape (three small ones, on indexed columns): each provider's request budget,
the task queue, and sync runs waiting or running.
"""

import logging
import math

from django.db import DatabaseError
from django.db.models import Case, Count, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.core import GaugeMetricFamily

from providers.models import Provider
from sync import conf
from sync.models import ACTIVE_SYNC_STATUSES, ProviderBudget, SyncHistory

from .metrics import PREFIX

logger = logging.getLogger(__name__)

DEFAULT_QUEUE = "default"


def _gauge(name, documentation, labels=()):
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, labels=list(labels))


def budget_families(now):
    """Only providers whose current window we know (from rate-limit headers)."""
    remaining = _gauge(
        "provider_budget_remaining",
        "Requests our syncs may still make in the provider's current rate-limit "
        "window (its limit less SYNC_BUDGET_RESERVE, less what was used).",
        ["provider"],
    )
    limit = _gauge(
        "provider_budget_limit",
        "The provider's current window, in requests.",
        ["provider"],
    )
    reset = _gauge(
        "provider_budget_reset_seconds",
        "Seconds until the provider's current window resets.",
        ["provider"],
    )
    share = 1 - conf.budget_reserve()
    windows = ProviderBudget.objects.filter(limit__isnull=False, reset_at__gt=now)
    for budget in windows.order_by("provider"):
        left = max(0, math.ceil(budget.limit * share - budget.used))
        remaining.add_metric([budget.provider], left)
        limit.add_metric([budget.provider], budget.limit)
        reset.add_metric([budget.provider], (budget.reset_at - now).total_seconds())
    return [remaining, limit, reset]


def queue_families(now):
    """Tasks ready to run now, and how long the oldest of them has waited."""
    depth = _gauge(
        "task_queue_depth", "Background tasks ready to run now, by queue.", ["queue"]
    )
    age = _gauge(
        "task_queue_oldest_ready_age_seconds",
        "Seconds the oldest ready task has been waiting (since it was enqueued, or "
        "since its run_after for a deferred one), by queue.",
        ["queue"],
    )
    # A task without run_after carries the far-future sentinel instead of NULL.
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(count=Count("pk"), oldest=Min(ready_since))
    )
    found = {row["queue_name"]: row for row in rows}
    found.setdefault(DEFAULT_QUEUE, {"count": 0, "oldest": None})
    for queue, row in sorted(found.items()):
        depth.add_metric([queue], row["count"])
        oldest = row["oldest"]
        age.add_metric([queue], max(0, (now - oldest).total_seconds()) if oldest else 0)
    return [depth, age]


def active_runs_family():
    runs = _gauge(
        "sync_runs_active",
        "Sync runs pending (waiting for a worker, a retry or a rate-limit window) or "
        "running, by provider.",
        ["provider", "status"],
    )
    counts = dict.fromkeys(
        (
            (provider, status)
            for provider in Provider.values
            for status in ACTIVE_SYNC_STATUSES
        ),
        0,
    )
    rows = (
        SyncHistory.objects.filter(status__in=ACTIVE_SYNC_STATUSES)
        .order_by()
        .values_list("connection__provider", "status")
        .annotate(count=Count("pk"))
    )
    for provider, status, count in rows:
        counts[(provider, status)] = count
    for (provider, status), count in sorted(counts.items()):
        runs.add_metric([provider, str(status)], count)
    return [runs]


class DatabaseGauges:
    """A prometheus_client collector; a database it cannot read makes `up` 0."""

    def collect(self):
        now = timezone.now()
        up = _gauge(
            "metrics_database_up", "1 when this scrape could read the database."
        )
        try:
            families = [
                *budget_families(now),
                *queue_families(now),
                *active_runs_family(),
            ]
        except DatabaseError:
            logger.warning("metrics: the database gauges could not be read")
            families = []
        up.add_metric([], 1 if families else 0)
        yield from families
        yield up
