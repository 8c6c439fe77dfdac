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
# The group of failed runs that recorded no message at all.
NO_MESSAGE = "<no message>"

# Order matters: timestamps before their digits, uuids before hex, hex before numbers.
# ASCII only, so that what a placeholder replaced is exactly what its database
# pattern (_PLACEHOLDER_PATTERNS) matches.
_TIME = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_PATTERNS = [
    ("<time>", _TIME),
    ("<id>", r"\b[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\b"),
    ("<id>", r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"),
    ("<n>", r"\b\d+(?:\.\d+)?\b"),
]
_COMPILED = [(name, re.compile(rx, re.IGNORECASE | re.ASCII)) for name, rx in _PATTERNS]
_PLACEHOLDER = re.compile(r"(<(?:time|id|n)>)")

# What the database reads, written in the part of regex syntax that Python's re
# (SQLite) and PostgreSQL's AREs share: bracketed ASCII classes, no \s, \d or \b
# (\s skips a no-break space on PostgreSQL but not in Python; \b is a backspace there).
_WS = r"[ \t\n\r\f\v]"
_DIGITS = "[0-9]"
_PLACEHOLDER_PATTERNS = {
    "<n>": f"{_DIGITS}+(?:\\.{_DIGITS}+)?",
    "<id>": "[0-9A-Fa-f-]{8,}",
    "<time>": (
        f"{_DIGITS}{{4}}-{_DIGITS}{{2}}-{_DIGITS}{{2}}"
        f"(?:(?:[Tt]|{_WS}+){_DIGITS}{{2}}:{_DIGITS}{{2}}"
        f"(?::{_DIGITS}{{2}}(?:\\.{_DIGITS}+)?)?"
        f"(?:[Zz]|[+-]{_DIGITS}{{2}}:?{_DIGITS}{{2}})?)?"
    ),
}
_ASCII_PUNCTUATION = re.compile(r"([\x00-\x1f!-/:-@\[-`{-\x7f])")


def normalise_error(message):
    """`message` with timestamps, uuids, hex ids and numbers replaced by placeholders
    and (ASCII) whitespace collapsed: the key that groups occurrences of one error."""
    text = re.sub(f"{_WS}+", " ", message or "").strip(" ")
    for name, pattern in _COMPILED:
        text = pattern.sub(name, text)
    return text[:MAX_ERROR_LENGTH]


def error_pattern(normalised):
    """A regex (for `error_message__regex`) matching the messages of one group.

    Each placeholder matches what it replaced, so the database needs no normaliser;
    it reads the same on SQLite (Python's re) and PostgreSQL: `(?s)` lets a long
    message's tail run over line breaks in both.
    """
    if normalised in ("", NO_MESSAGE):
        return f"^{_WS}*$"
    tail = ""
    if len(normalised) >= MAX_ERROR_LENGTH:
        # A truncated key only fixes the start, and may end inside a placeholder.
        normalised, tail = re.sub(r"<\w*$", "", normalised), ".*"
    parts = [_part(part) for part in _PLACEHOLDER.split(normalised)]
    return f"(?s)^{_WS}*{''.join(parts)}{tail}{_WS}*$"


def _part(part):
    if part in _PLACEHOLDER_PATTERNS:
        # A message may hold a placeholder's very text ("page <n>") left as it was.
        return f"(?:{_PLACEHOLDER_PATTERNS[part]}|{_literal(part)})"
    return _literal(part)


def _literal(text):
    # A backslash before ASCII punctuation is literal in both dialects; before a
    # letter or digit it is not, and other characters are literal as they stand.
    escaped = _ASCII_PUNCTUATION.sub(r"\\\1", text)
    return escaped.replace(" ", f"{_WS}+")


@dataclass
class ErrorGroup:
    message: str
    count: int = 0
    connection_ids: set = field(default_factory=set)
    last_seen: object = None

    @property
    def connections(self):
        return len(self.connection_ids)


def error_groups(now=None, window=ERROR_WINDOW):
    """Every failed run in `window`, grouped by normalised message, the most frequent
    (then the latest) first. Runs that recorded no message are the NO_MESSAGE group.

    One query: the database groups identical messages per connection, Python merges
    the groups whose messages differ only in ids and numbers.
    """
    now = now or timezone.now()
    rows = (
        SyncHistory.objects.filter(
            status=SyncStatus.FAILED, started_at__gte=now - window
        )
        .values("error_message", "connection_id")
        .annotate(count=Count("id"), last_seen=Max("started_at"))
        .order_by()
    )
    groups = {}
    for row in rows:
        key = normalise_error(row["error_message"]) or NO_MESSAGE
        group = groups.setdefault(key, ErrorGroup(key))
        group.count += row["count"]
        group.connection_ids.add(row["connection_id"])
        if group.last_seen is None or row["last_seen"] > group.last_seen:
            group.last_seen = row["last_seen"]
    # A new failure ties with many single ones: the latest of them is shown first.
    by_recency = sorted(groups.values(), key=lambda g: g.last_seen, reverse=True)
    return sorted(by_recency, key=lambda g: g.count, reverse=True)


def top_errors(now=None, window=ERROR_WINDOW, limit=TOP_ERRORS):
    """The `limit` first groups of error_groups."""
    return error_groups(now, window)[:limit]


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
    groups = error_groups(now)
    return {
        "now": now,
        "providers": provider_stats(now),
        "errors": groups[:TOP_ERRORS],
        "errors_other": {
            "runs": sum(group.count for group in groups[TOP_ERRORS:]),
            "groups": len(groups[TOP_ERRORS:]),
        },
        "error_window_days": ERROR_WINDOW.days,
        "reauth": reauth_connections(),
        "stuck": stuck_runs(now),
        "run_timeout": conf.duration("SYNC_RUN_TIMEOUT"),
        "queue": task_queue(now),
    }
