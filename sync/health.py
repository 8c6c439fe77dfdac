"""The numbers behind the admin's sync health page, each in a fixed number of queries.

Errors are grouped the way tapiriik's diagnostics page groups them (peers.md §2.2):
by the message with its ids, numbers and timestamps taken out, so "activity 123
failed" and "activity 456 failed" are one problem with two occurrences.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from providers.models import ConnectionStatus, Provider, ProviderConnection

from . import conf
from .models import SyncHistory, SyncStatus

ERROR_WINDOW = timedelta(days=7)
TOP_ERRORS = 10
MAX_ERROR_LENGTH = 200

# Order matters: timestamps before their digits, uuids before hex, hex before numbers.
_PATTERNS = [
    (
        "<time>",
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        r"(?:Z|[+-]\d{2}:?\d{2})?)?",
    ),
    ("<id>", r"\b[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\b"),
    ("<id>", r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"),
    ("<n>", r"\b\d+(?:\.\d+)?\b"),
]
_COMPILED = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in _PATTERNS]
_PLACEHOLDER = re.compile(r"<(?:time|id|n)>")


def normalise_error(message):
    """`message` with timestamps, uuids, hex ids and numbers replaced by placeholders
    and whitespace collapsed: the key that groups occurrences of one error."""
    text = " ".join((message or "").split())
    for name, pattern in _COMPILED:
        text = pattern.sub(name, text)
    return text[:MAX_ERROR_LENGTH]


def error_pattern(normalised):
    """A regex (for `error_message__regex`) matching the messages of one group.

    Placeholders match any text, so the database needs no normaliser; literal parts
    are escaped in a way both Python's re (SQLite) and PostgreSQL read alike.
    """
    tail = ""
    if len(normalised) >= MAX_ERROR_LENGTH:
        # A truncated key only fixes the start, and may end inside a placeholder.
        normalised, tail = re.sub(r"<\w*$", "", normalised), ".*"
    parts = [_literal(part) for part in _PLACEHOLDER.split(normalised)]
    return rf"^\s*{'.+'.join(parts)}{tail}\s*$"


def _literal(text):
    # Backslash before punctuation is literal in both dialects; before a letter it
    # is not, so letters and digits stay bare. Spaces were collapsed by the normaliser.
    escaped = re.sub(r"([^\w\s])", r"\\\1", text)
    return re.sub(r" ", r"\\s+", escaped)


@dataclass
class ErrorGroup:
    message: str
    count: int = 0
    connection_ids: set = field(default_factory=set)
    last_seen: object = None

    @property
    def connections(self):
        return len(self.connection_ids)


def top_errors(now=None, window=ERROR_WINDOW, limit=TOP_ERRORS):
    """The most frequent failed-run errors in `window`, grouped by normalised message.

    One query: the database groups identical messages per connection, Python merges
    the groups whose messages differ only in ids and numbers.
    """
    now = now or timezone.now()
    rows = (
        SyncHistory.objects.filter(
            status=SyncStatus.FAILED, started_at__gte=now - window
        )
        .exclude(error_message="")
        .values("error_message", "connection_id")
        .annotate(count=Count("id"), last_seen=Max("started_at"))
        .order_by()
    )
    groups = {}
    for row in rows:
        key = normalise_error(row["error_message"])
        group = groups.setdefault(key, ErrorGroup(key))
        group.count += row["count"]
        group.connection_ids.add(row["connection_id"])
        if group.last_seen is None or row["last_seen"] > group.last_seen:
            group.last_seen = row["last_seen"]
    ranked = sorted(groups.values(), key=lambda g: (-g.count, g.message))
    return ranked[:limit]


def _rate(failed, runs):
    return round(100 * failed / runs, 1) if runs else None


def provider_stats(now=None):
    """Per provider: runs and failed runs (and the failure rate) in 24 h and 7 days."""
    now = now or timezone.now()
    day, week = now - timedelta(hours=24), now - timedelta(days=7)
    failed = Q(status=SyncStatus.FAILED)
    counted = (
        SyncHistory.objects.filter(started_at__gte=week)
        .values("connection__provider")
        .annotate(
            runs_week=Count("id"),
            failed_week=Count("id", filter=failed),
            runs_day=Count("id", filter=Q(started_at__gte=day)),
            failed_day=Count("id", filter=failed & Q(started_at__gte=day)),
        )
        .order_by()
    )
    by_provider = {row["connection__provider"]: row for row in counted}
    stats = []
    for slug, name in Provider.choices:
        row = by_provider.get(slug, {})
        item = {"provider": name}
        for span in ("day", "week"):
            runs, fails = row.get(f"runs_{span}", 0), row.get(f"failed_{span}", 0)
            item[span] = {"runs": runs, "failed": fails, "rate": _rate(fails, runs)}
        stats.append(item)
    return stats


def reauth_connections(limit=50):
    """Connections waiting for their athlete to reconnect, latest flagged first."""
    return list(
        ProviderConnection.objects.filter(status=ConnectionStatus.REAUTH_REQUIRED)
        .select_related("user")
        .order_by("-updated_at")[:limit]
    )


def stuck_runs(now=None, limit=50):
    """Runs still `running` after SYNC_RUN_TIMEOUT (the reaper fails them later)."""
    now = now or timezone.now()
    cutoff = now - conf.duration("SYNC_RUN_TIMEOUT")
    return list(
        SyncHistory.objects.filter(status=SyncStatus.RUNNING, started_at__lt=cutoff)
        .select_related("connection__user")
        .order_by("started_at")[:limit]
    )


def task_queue(now=None):
    """Tasks waiting in django-tasks-db: all of them, the runnable ones, the oldest."""
    now = now or timezone.now()
    # django-tasks-db stores "no run_after" as the largest date: runnable now.
    due = Q(run_after__lte=now) | Q(run_after=get_date_max())
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        waiting=Count("id"),
        due=Count("id", filter=due),
        oldest=Min("enqueued_at", filter=due),
    )


def health_report(now=None):
    now = now or timezone.now()
    return {
        "now": now,
        "providers": provider_stats(now),
        "errors": top_errors(now),
        "error_window_days": ERROR_WINDOW.days,
        "reauth": reauth_connections(),
        "stuck": stuck_runs(now),
        "run_timeout": conf.duration("SYNC_RUN_TIMEOUT"),
        "queue": task_queue(now),
    }
