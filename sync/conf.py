"""Sync settings, read when used so tests can override them.

Durations may be a timedelta or a number of seconds (what the environment gives).
"""

from datetime import timedelta

from django.conf import settings

DEFAULTS = {
    # How far before last_sync_at a run starts fetching: late uploads and edits.
    "SYNC_LOOKBACK": timedelta(days=3),
    # A connection not synced for this long gets a scheduled run.
    "SYNC_INTERVAL": timedelta(hours=1),
    # Spread of scheduled runs after the interval, so connections drift apart.
    "SYNC_JITTER": timedelta(minutes=6),
    # A run still "running" after this long lost its worker.
    "SYNC_RUN_TIMEOUT": timedelta(minutes=30),
    # A pending run this late (its task lost or never deferred) is enqueued again.
    "SYNC_PENDING_GRACE": timedelta(minutes=5),
    # First retry delay after a transient failure; doubled on each attempt.
    "SYNC_RETRY_DELAY": timedelta(seconds=30),
}


def duration(name):
    value = getattr(settings, name, DEFAULTS[name])
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def max_attempts():
    """Attempts of one run before a transient failure becomes final."""
    return int(getattr(settings, "SYNC_MAX_ATTEMPTS", 4))


def budget_reserve():
    """Share of a provider's request window left unused for connects and races."""
    return float(getattr(settings, "SYNC_BUDGET_RESERVE", 0.1))
