"""Is a webhook request really from the provider? One function per provider.

Each check raises Rejected (401: no credential sent; 403: a wrong one) and returns
nothing on success. Comparisons use hmac.compare_digest, so the time taken does not
reveal how much of a secret matched. Reasons never contain what was sent.
"""

import hashlib
import hmac

from django.conf import settings

from ..models import WebhookSubscription


class Rejected(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def same_secret(given, expected):
    """True when both are non-empty and equal (constant time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(str(given).encode(), str(expected).encode())


def _require(given, expected, what):
    if not given:
        raise Rejected(401, f"{what} missing")
    if not same_secret(given, expected):
        raise Rejected(403, f"{what} does not match")


def subscription_secret(provider):
    subscription = WebhookSubscription.objects.filter(provider=provider).first()
    return subscription.signing_secret if subscription else None


def strava_handshake(params):
    """Strava's subscription GET: our verify token, mode `subscribe` (providers.md
    §2.7). An unset setting refuses every handshake."""
    if params.get("hub.mode") != "subscribe":
        raise Rejected(403, "hub.mode is not subscribe")
    expected = settings.STRAVA_WEBHOOK_VERIFY_TOKEN
    if not same_secret(params.get("hub.verify_token"), expected):
        raise Rejected(403, "hub.verify_token does not match")


def strava_event(body):
    """Strava signs nothing (§2.7): the event must name our subscription."""
    subscription = WebhookSubscription.objects.filter(provider="strava").first()
    expected = subscription.external_id if subscription else ""
    if not same_secret(str(body.get("subscription_id") or ""), expected):
        raise Rejected(403, "subscription_id is not ours")


def garmin_callbacks(backend, items):
    """Garmin signs nothing (§3.7): ping callbacks must point at the Garmin host."""
    for item in items:
        url = item.get("callbackURL")
        if url is not None and not backend.is_callback_url(url):
            raise Rejected(403, "callbackURL is not on the Garmin API host")


def polar_signature(raw_body, signature):
    """Hex HMAC-SHA256 of the raw body keyed with the secret Polar gave us (§4.7)."""
    if not signature:
        raise Rejected(401, "Polar-Webhook-Signature missing")
    secret = subscription_secret("polar")
    if not secret:
        raise Rejected(403, "no Polar signing secret stored")
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not same_secret(signature.strip().lower(), digest):
        raise Rejected(403, "Polar-Webhook-Signature does not match")


def coros_headers(headers):
    """COROS sends our client id and secret as `client` and `secret` (§5.6)."""
    conf = settings.PROVIDERS["coros"]
    _require(headers.get("client"), conf["CLIENT_ID"], "client header")
    _require(headers.get("secret"), conf["CLIENT_SECRET"], "secret header")


def wahoo_token(body):
    """Wahoo puts the portal's webhook token in the body (§6.7)."""
    _require(body.get("webhook_token"), settings.WAHOO_WEBHOOK_TOKEN, "webhook_token")


def google_bearer(authorization):
    """Google Health sends our subscriber secret as a bearer token (§7.5)."""
    scheme, _, token = (authorization or "").partition(" ")
    if not token:
        raise Rejected(401, "Authorization bearer missing")
    if scheme.lower() != "bearer":
        raise Rejected(403, "Authorization is not a bearer secret")
    _require(token.strip(), settings.FITBIT_WEBHOOK_SECRET, "bearer secret")
