"""OAuth state and PKCE verifier, stashed in the session between connect and callback.

Several connects may be pending at once (two tabs, two providers), so each stash is
keyed by its random state. A stash is popped exactly once, expires after ten minutes,
and only the newest few are kept so a session cannot grow without bound (allauth's
statekit, healthchecks' slack add/complete).
"""

import hashlib
import secrets
import time

from django.utils.translation import gettext_lazy as _

from .backends.base import new_code_verifier

SESSION_KEY = "providers_oauth"
MAX_AGE_S = 10 * 60
MAX_PENDING = 10
# Fingerprints of used states, kept only to tell a replay from a forgery.
MAX_USED = 20


class OAuthStateError(Exception):
    """The callback's state does not match a live stash: show a 400, save nothing."""

    user_message = _("This sign-in link is not valid. Start connecting again.")


class StateMismatchError(OAuthStateError):
    pass


class StateReplayedError(OAuthStateError):
    user_message = _("This sign-in link was already used. Start connecting again.")


class StateExpiredError(OAuthStateError):
    user_message = _("This sign-in took too long and expired. Start connecting again.")


class StateProviderMismatchError(OAuthStateError):
    user_message = _(
        "This sign-in was started for another provider. Start connecting again."
    )


def _now():
    return time.time()


def _fingerprint(state):
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _load(session):
    data = session.get(SESSION_KEY) or {}
    return dict(data.get("pending", {})), list(data.get("used", []))


def _save(session, pending, used):
    # Reassigning (not mutating) marks the session modified.
    session[SESSION_KEY] = {"pending": pending, "used": used[-MAX_USED:]}


def _live(pending, now):
    return {
        state: stash
        for state, stash in pending.items()
        if now - stash["created_at"] <= MAX_AGE_S
    }


def begin(request, slug, next=None):
    """Stash a new state and PKCE verifier for `slug`; return (state, code_verifier)."""
    now = _now()
    pending, used = _load(request.session)
    pending = _live(pending, now)
    state = secrets.token_urlsafe(32)
    code_verifier = new_code_verifier()
    pending[state] = {
        "provider": slug,
        "code_verifier": code_verifier,
        "next": next or "",
        "created_at": now,
    }
    newest = sorted(pending.items(), key=lambda item: item[1]["created_at"])
    _save(request.session, dict(newest[-MAX_PENDING:]), used)
    return state, code_verifier


def complete(request, slug, state):
    """Pop the stash for `state`; an OAuthStateError subclass says why it is refused.

    The stash is consumed even when refused (expired, other provider), so a state is
    never accepted twice.
    """
    pending, used = _load(request.session)
    stash = pending.pop(state, None) if state else None
    if stash is None:
        if state and _fingerprint(state) in used:
            raise StateReplayedError(f"{slug}: OAuth state already used")
        raise StateMismatchError(f"{slug}: unknown OAuth state")
    used.append(_fingerprint(state))
    _save(request.session, pending, used)
    if _now() - stash["created_at"] > MAX_AGE_S:
        raise StateExpiredError(f"{slug}: OAuth state expired")
    if stash["provider"] != slug:
        raise StateProviderMismatchError(
            f"{slug}: OAuth state was issued for {stash['provider']}"
        )
    return stash
