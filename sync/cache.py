"""Per-user caching of the dashboard's slow, slowly-changing parts.

The totals and the weekly chart aggregate every recent activity; the cards around
them are cheap and show live state, so only the aggregates are cached. Their key is
built from what the dashboard fetches for the cards anyway, so checking it is free:

- the user id and today's local date (and zone): "this week", "this month" and the
  chart's twelve weeks move at local midnight;
- for each connection: its id and its latest sync run's id and status. Activities
  are written by sync runs (manual, scheduled, webhook, initial: each adds a
  sync_history row, so the latest run id changes, and its status changes when it
  ends) or leave with a change in the set of connections (disconnect);
- a per-user data version, for writes none of the above sees (the legacy import,
  merging or splitting duplicates): such code calls bump_data_version(user_id).

The cached block also holds each connection's activity count, which costs an index
scan per connection to compute. While a run is in progress the card's count stays as
it was when the run started (its live status shows the run's own progress); the run
ending changes the key and the counts are taken again.

A short TTL is the safety net for anything else. Nothing cached here holds a CSRF
token or anything else specific to one request.

Everything but the data version is read from the database, so it holds across
processes with any cache backend. A bump reaches other processes only through a
shared cache (CACHE_URL, which the login throttle wants anyway); with the default
per-process memory cache, a bump made in a task worker waits for the TTL on the web
servers.
"""

import hashlib
from uuid import uuid4

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

TTL_S = 10 * 60


def _version_key(user_id):
    return f"sync:data-version:{user_id}"


def version_of(key):
    """An opaque token stored under `key` that changes whenever new_version(key) is
    called (other apps version their own caches with these two).

    A missing version (never set, or evicted) becomes a fresh random one rather than
    a counter restarting at 0, so an eviction can only invalidate entries, never bring
    back one cached under an older version.
    """
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def new_version(key):
    cache.set(key, uuid4().hex, timeout=None)


def data_version(user_id):
    """The version of this user's activities (bump_data_version changes it)."""
    return version_of(_version_key(user_id))


def bump_data_version(user_id):
    """Invalidate everything cached for this user's activities."""
    new_version(_version_key(user_id))


def dashboard_key(user_id, connections, today=None):
    """The cache key of the user's aggregates; connections as from user_connections
    (with latest_run_id and latest_run)."""
    today = today or timezone.localdate()
    parts = [
        str(user_id),
        today.isoformat(),
        timezone.get_current_timezone_name(),
        data_version(user_id),
    ]
    for connection in sorted(connections, key=lambda c: c.pk):
        run = connection.latest_run
        status = run.status if run is not None else ""
        parts.append(f"{connection.pk}:{connection.latest_run_id}:{status}")
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"sync:dashboard:{user_id}:{digest}"


def get_or_compute(key, compute):
    """The cached value under `key`, or compute() stored there for TTL_S. The key is
    per language: what is cached holds words and numbers printed for a reader."""
    key = f"{key}:{get_language()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL_S)
    return value
