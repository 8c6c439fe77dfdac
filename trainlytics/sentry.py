"""Error reporting to Sentry, only when SENTRY_DSN is set (settings.py calls `init`).

Nothing personal is sent (send_default_pii off), and every event and breadcrumb goes
through the scrubber first: values under secret-looking keys (Authorization and Cookie
headers, token, code, client_secret and password fields, local variables of those
names) and, in any text, what the log filter redacts (tokens and codes in query strings
and reprs, bearer credentials). Patterns and key names live in trainlytics/logging.py,
so logs and Sentry mask the same things.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from . import logcontext
from .logging import REDACTED, scrub


def init(dsn, *, environment, release, traces_sample_rate, transport=None):
    """Start the SDK. `transport` replaces the HTTP one (tests capture envelopes)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        # No personal data: send_default_pii left at its default, False (passing it
        # is deprecated since 2.7x in favour of data_collection, which would turn the
        # SDK's own denylist scrubber off).
        # Default integrations (logging: errors become events, lower levels
        # breadcrumbs) plus Django's.
        integrations=[DjangoIntegration()],
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        # No sentry-trace/baggage headers on our requests to Strava, Garmin...
        trace_propagation_targets=[],
        transport=transport,
    )


def before_send(event, hint):
    """The event scrubbed, tagged with what the failing code was working on (the log
    context: sync run, connection, webhook event)."""
    cleaned = scrub_event(event)
    context = logcontext.current()
    if context:
        tags = {key: str(value) for key, value in context.items()}
        cleaned["tags"] = {**tags, **(cleaned.get("tags") or {})}
    return cleaned


def before_breadcrumb(crumb, hint):
    return scrub(crumb)


def scrub_event(event):
    # _meta describes what the SDK already trimmed, by path: not data, and scrubbing
    # its keys would corrupt it.
    cleaned = {k: v if k == "_meta" else scrub(v) for k, v in event.items()}
    entry = cleaned.get("logentry")
    if isinstance(entry, dict) and REDACTED in str(entry.get("formatted", "")):
        # A secret came in through the arguments; the formatted text has the rest.
        entry["params"] = []
    return cleaned
