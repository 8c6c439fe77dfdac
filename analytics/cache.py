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

from django.db import transaction

from sync.cache import get_or_compute, new_version, version_of

__all__ = ["bump", "get_or_compute", "version"]


def _key(user_id):
    return f"analytics:version:{user_id}"


def version(user_id):
    """An opaque token that changes with every bump (sync.cache.version_of)."""
    return version_of(_key(user_id))


def bump(user_id):
    """Invalidate the athlete's cached pages once the current transaction commits
    (before it, another request could cache the old data under the new version)."""
    transaction.on_commit(lambda: new_version(_key(user_id)))
