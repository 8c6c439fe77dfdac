"""Streams settings, read when used so tests can override them."""

from datetime import timedelta

from django.conf import settings

# Row priorities (ActivityStreams.priority): an athlete waiting beats a new activity.
HIGH = 10
LOW = 0
# django.tasks priorities (-100..100; sync's tasks run at the default 0): a fetch the
# athlete waits for goes first, the fetches of new activities after every sync run.
TASK_PRIORITY = {HIGH: 10, LOW: -10}


def recent_days():
    """Activities that started this many days ago or less get their streams
    fetched on arrival; older ones (a backfill) only when opened."""
    return int(getattr(settings, "STREAMS_RECENT_DAYS", 3))


def low_reserve():
    """Share of a provider's request window low-priority fetches leave alone."""
    return float(getattr(settings, "STREAMS_LOW_RESERVE", 0.5))


def recheck_after():
    """How long an unavailable or failed result stands before opening the
    activity asks the provider again (the data may have arrived since)."""
    value = getattr(settings, "STREAMS_RECHECK", timedelta(hours=6))
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))
