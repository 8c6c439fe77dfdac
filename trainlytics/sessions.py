"""The sessions a user is logged in with, and ending them.

Django's session stores cannot be searched by user, so every login is recorded as a
UserSession (on `user_logged_in`) and forgotten at logout. Ending sessions deletes the
recorded ones from the store and rotates the user's session salt (User.session_salt),
which breaks the auth hash of every other session too: those opened before tracking
existed, or kept by a backend whose keys change on every save (signed cookies).
"""

import ipaddress
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .models import UserSession


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _client_ip(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (X-Forwarded-For is spoofable).
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def record(request, user):
    """Remember the request's session as one of `user`'s."""
    key = request.session.session_key
    if not key:
        return
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def active_sessions(user):
    """The user's recorded sessions still in the store; forgets expired ones."""
    rows = list(user.login_sessions.all())
    store = _store()
    gone = [row.pk for row in rows if not store.exists(row.session_key)]
    UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


def end_sessions(user, keep=None):
    """End every session of `user` except the one whose key is `keep`.

    The kept session is re-signed in the store with the new auth hash. From a view,
    use end_other_sessions(request): the request holds its own copy of its session,
    which the session middleware would save over the re-signed one.
    """
    user.rotate_session_salt()
    ended = user.login_sessions.exclude(session_key=keep)
    for row in ended:
        _store(row.session_key).delete()
    ended.delete()
    if keep:
        kept = _store(keep)
        if kept.get(SESSION_KEY) == str(user.pk):
            kept[HASH_SESSION_KEY] = user.get_session_auth_hash()
            kept.save()


def end_other_sessions(request):
    """End every session of the request's user except this one, which stays in."""
    user = request.user
    old_key = request.session.session_key
    end_sessions(user, keep=old_key)
    # Also gives this session a new key, so a copy of the old cookie is worthless.
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if not UserSession.objects.filter(session_key=old_key).update(session_key=new_key):
        record(request, user)


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        record(request, user)


@receiver(user_logged_out)
def _forget_logout(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
