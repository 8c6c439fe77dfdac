"""Failed-login throttling keyed on (account, client address), kept in Django's cache;
and allow(), the same fixed window for anything counted per use (password resets).

A fixed window: the first failure opens it, and LOGIN_FAILURE_LIMIT failures inside
LOGIN_FAILURE_WINDOW seconds block further attempts for that pair until it closes.
Other accounts and other addresses are unaffected, so nobody can lock a victim out
from their own network.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def limit():
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def window():
    return getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60)


def client_ip(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (X-Forwarded-For is spoofable).
    return request.META.get("REMOTE_ADDR", "")


def login_key(email, ip):
    return hashed_key("login-failures", email, ip)


def hashed_key(prefix, *parts):
    # Hashed so the cache never holds addresses or emails in clear.
    raw = "|".join(str(p or "").strip().lower() for p in parts).encode()
    return f"{prefix}:" + hashlib.sha256(raw).hexdigest()


def is_blocked(key):
    return cache.get(key, 0) >= limit()


def record_failure(key):
    _count(key, window())


def allow(key, most, seconds):
    """Count one use of `key`; False once it was used more than `most` times in the
    window of `seconds` its first use opened."""
    return _count(key, seconds) <= most


def _count(key, seconds):
    # add() only creates the counter, so the window starts at the first use.
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return 1


def reset(key):
    cache.delete(key)
