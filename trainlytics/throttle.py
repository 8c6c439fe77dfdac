"""Failed-login throttling keyed on (account, client address), kept in Django's cache.

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
    # Hashed so the cache never holds addresses or emails in clear.
    raw = f"{(email or '').strip().lower()}|{ip}".encode()
    return "login-failures:" + hashlib.sha256(raw).hexdigest()


def is_blocked(key):
    return cache.get(key, 0) >= limit()


def record_failure(key):
    # add() only creates the counter, so the window starts at the first failure.
    cache.add(key, 0, timeout=window())
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window())


def reset(key):
    cache.delete(key)
