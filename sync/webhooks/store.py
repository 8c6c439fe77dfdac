"""Storing webhook events (once each) and counting rejected requests.

A request is acknowledged only after its events are stored, and processing is
enqueued once each event's row is committed. The unique (provider, dedupe_key)
constraint makes a redelivered event a no-op, whichever web worker receives it.

Rejections (bad or missing signatures) are counted in the cache, per provider, so
staff can see forgery attempts or a misconfigured secret at /webhooks/rejections/
without a table that strangers could fill. The count is as shared as CACHE_URL:
per process with the default local-memory cache, shared with Redis or Memcached.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction

from providers.models import Provider, ProviderConnection

from ..models import WebhookEvent, WebhookStatus
from .retries import enqueue_event

logger = logging.getLogger(__name__)

REJECTED_KEY = "webhooks:rejected:{}"
UNKNOWN_USER = "No connection for this provider user."


@dataclass
class Item:
    """One event as received: what it concerns and its payload (no secrets)."""

    event_type: str
    provider_user_id: str
    payload: dict = field(default_factory=dict)
    # The event's own id or a readable hint (object and id) prefixed to the hash.
    hint: str = ""

    def dedupe_key(self):
        canonical = json.dumps(self.payload, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return f"{self.hint[:60]}:{digest}" if self.hint else digest


def record_events(provider, items):
    """Store `items`; enqueue the new ones with a known user. Return (new, duplicates).

    Events for users we do not know are stored as `ignored`, so staff can see them.
    """
    users = {item.provider_user_id for item in items}
    connections = ProviderConnection.objects.filter(
        provider=provider, provider_user_id__in=users
    ).only("pk", "provider_user_id")
    known = {c.provider_user_id: c.pk for c in connections}
    new = duplicates = 0
    for item in items:
        event = _create(provider, item, known.get(item.provider_user_id))
        if event is None:
            duplicates += 1
            continue
        new += 1
        if event.status == WebhookStatus.RECEIVED:
            enqueue_event(event.pk)
    return new, duplicates


def _create(provider, item, connection_id):
    fields = {
        "event_type": item.event_type[:64],
        "provider_user_id": item.provider_user_id[:255],
        "connection_id": connection_id,
        "payload": item.payload,
    }
    if connection_id is None:
        fields.update(status=WebhookStatus.IGNORED, error=UNKNOWN_USER)
    create = partial(
        WebhookEvent.objects.create,
        provider=provider,
        dedupe_key=item.dedupe_key(),
        **fields,
    )
    try:
        if not transaction.get_connection().in_atomic_block:
            return create()  # autocommit: one statement, one round trip
        with transaction.atomic():  # a savepoint keeps the caller's transaction
            return create()
    except IntegrityError:
        return None


def count_rejection(provider, status, reason):
    """Log (the reason only, never what was sent) and count a rejected request."""
    logger.warning("rejected %s webhook (HTTP %s): %s", provider, status, reason)
    key = REJECTED_KEY.format(provider)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=None)


def rejection_counts():
    keys = {slug: REJECTED_KEY.format(slug) for slug in Provider.values}
    values = cache.get_many(keys.values())
    return {slug: values.get(key, 0) for slug, key in keys.items()}
