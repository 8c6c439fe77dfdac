"""Helpers shared by the webhook tests (deliveries, signatures, what was stored)."""

import hashlib
import hmac
import json

from django.test import TestCase

from sync.models import Activity, SyncHistory, WebhookEvent

# The project's URLs, which mount the receivers under /webhooks/.
URLCONF = "trainlytics.urls"


def deliver(http_client, url, body, raw=None, headers=None):
    """POST `body` as JSON (or `raw` bytes) and run what was enqueued on commit,
    as db_worker would once the request's transaction commits."""
    data = raw if raw is not None else json.dumps(body).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return http_client.post(
            url, data=data, content_type="application/json", headers=headers or {}
        )


def polar_signature(secret, raw):
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def events(provider):
    return list(WebhookEvent.objects.filter(provider=provider).order_by("pk"))


def activity_ids(provider):
    return sorted(
        Activity.objects.filter(provider=provider).values_list(
            "provider_activity_id", flat=True
        )
    )


def webhook_runs(connection):
    return list(
        SyncHistory.objects.filter(connection=connection, sync_type="webhook").order_by(
            "pk"
        )
    )
