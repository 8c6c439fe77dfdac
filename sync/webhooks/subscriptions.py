"""Our app-level webhook subscriptions: Strava's one push subscription (providers.md
§2.7) and Polar's one webhook (§4.7). The management commands are shells over these.

Both providers call our receiver while the create request is still open (Strava's
GET handshake, Polar's PING), so the site must be reachable at SITE_URL first.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from requests.auth import HTTPBasicAuth

from providers.errors import ProviderError
from providers.http import parse_json
from providers.registry import get_backend

from ..models import WebhookSubscription


def callback_url(provider):
    return settings.SITE_URL + reverse(f"webhooks:{provider}")


def _strava():
    backend = get_backend("strava")
    client = {"client_id": backend.client_id, "client_secret": backend.client_secret}
    return backend, client, f"{backend.api_url}/push_subscriptions"


def strava_subscribe():
    """Create the subscription (Strava runs the handshake meanwhile); store its id."""
    if not settings.STRAVA_WEBHOOK_VERIFY_TOKEN:
        raise ProviderError("STRAVA_WEBHOOK_VERIFY_TOKEN is not set")
    backend, client, url = _strava()
    data = {
        **client,
        "callback_url": callback_url("strava"),
        "verify_token": settings.STRAVA_WEBHOOK_VERIFY_TOKEN,
    }
    body = parse_json(backend.session().post(url, data=data), "strava")
    if not isinstance(body, dict) or not body.get("id"):
        raise ProviderError("strava: subscription answer has no id")
    return _save("strava", str(body["id"]), data["callback_url"])


def strava_subscriptions():
    """What Strava holds for our app: a list of {id, callback_url, ...}."""
    backend, client, url = _strava()
    body = parse_json(backend.session().get(url, params=client), "strava")
    return body if isinstance(body, list) else []


def strava_unsubscribe(subscription_id=None):
    """Delete the subscription (ours by default) and forget it; return its id."""
    subscription_id = subscription_id or _stored_id("strava")
    backend, client, url = _strava()
    backend.session().delete(f"{url}/{subscription_id}", params=client)
    WebhookSubscription.objects.filter(
        provider="strava", external_id=subscription_id
    ).delete()
    return subscription_id


def _polar():
    backend = get_backend("polar")
    auth = HTTPBasicAuth(backend.client_id, backend.client_secret)
    return backend, auth, f"{backend.api_url}/v3/webhooks"


def polar_create():
    """Register the EXERCISE webhook; keep the signing secret Polar shows only once."""
    backend, auth, url = _polar()
    request = {"events": ["EXERCISE"], "url": callback_url("polar")}
    response = backend.session().post(url, json=request, auth=auth)
    body = parse_json(response, "polar")
    data = body.get("data", body) if isinstance(body, dict) else {}
    if not data.get("id") or not data.get("signature_secret_key"):
        raise ProviderError("polar: webhook answer lacks its id or signing secret")
    return _save("polar", str(data["id"]), request["url"], data["signature_secret_key"])


def polar_delete(webhook_id=None):
    webhook_id = webhook_id or _stored_id("polar")
    backend, auth, url = _polar()
    backend.session().delete(f"{url}/{webhook_id}", auth=auth)
    WebhookSubscription.objects.filter(
        provider="polar", external_id=webhook_id
    ).delete()
    return webhook_id


def _stored_id(provider):
    subscription = WebhookSubscription.objects.filter(provider=provider).first()
    if subscription is None:
        raise ProviderError(f"{provider}: no subscription stored; pass its id")
    return subscription.external_id


def _save(provider, external_id, url, secret=None):
    with transaction.atomic():
        subscription, _ = WebhookSubscription.objects.update_or_create(
            provider=provider,
            defaults={
                "external_id": external_id,
                "callback_url": url,
                "signing_secret": secret,
            },
        )
    return subscription
