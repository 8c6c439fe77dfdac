"""A per-athlete version of what the analytics page shows, for caching it.

Every change to an athlete's sessions or loads passes through analytics: sync's
activities_changed and Django's deletion signals (receivers.py), new settings
(athlete.py) and the rebuild command (services.recompute_user). Each bumps the
version once its transaction commits, so a page cached under the old version is
never served again. As with sync.cache, a bump reaches other processes only through
a shared cache (CACHE_URL); with the per-process default, other processes wait for
the TTL, and the fitness figures, keyed by the loads themselves
(fitness.loads_version), are never stale.
"""

from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

TTL_S = 10 * 60


def _key(user_id):
    return f"analytics:version:{user_id}"


def version(user_id):
    """An opaque token that changes with every bump; a lost one is new and random,
    so an eviction can only invalidate pages, never bring back an old one."""
    key = _key(user_id)
    found = cache.get(key)
    if found is None:
        cache.add(key, uuid4().hex, timeout=None)
        found = cache.get(key)
    return found


def bump(user_id):
    """Invalidate the athlete's cached pages once the current transaction commits
    (before it, another request could cache the old data under the new version)."""
    transaction.on_commit(lambda: cache.set(_key(user_id), uuid4().hex, timeout=None))


def get_or_compute(key, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL_S)
    return value
