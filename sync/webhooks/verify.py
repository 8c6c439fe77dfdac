"""Is a webhook request really from the provider? One function per provider.

Each check raises Rejected (401: no credential sent; 403: a wrong one) and returns
nothing on success. Comparisons use hmac.compare_digest, so the time taken does not
reveal how much of a secret matched. Reasons never contain what was sent.
"""

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


# Google's guide names the first, the API reference (EndpointAuthorization) the second.
GOOGLE_SIGNATURE_HEADERS = ("GOOGLE-HEALTH-API-SIGNATURE", "X-HEALTHAPI-SIGNATURE")
# Tink's TINK output prefix: version byte 0x01, then the 4-byte key id.
TINK_PREFIX = b"\x01"
TINK_PREFIX_SIZE = 5


def google_signature(raw_body, signature):
    """ECDSA P-256 / SHA-256 of the raw body in Tink's format, by one of Google's
    public keys (FITBIT_WEBHOOK_PUBLIC_KEYS). No keys configured: not checked."""
    keys = [_google_key(text) for text in _google_key_texts()]
    if not keys:
        return
    if not signature:
        raise Rejected(401, "GOOGLE-HEALTH-API-SIGNATURE missing")
    try:
        signed = base64.b64decode(signature.strip(), validate=True)
    except ValueError:  # binascii.Error included
        raise Rejected(403, "signature is not base64") from None
    if len(signed) <= TINK_PREFIX_SIZE or signed[:1] != TINK_PREFIX:
        raise Rejected(403, "signature lacks Tink's prefix")
    # The key id only hints at the key; trying each configured key is as strict.
    der = signed[TINK_PREFIX_SIZE:]
    for key in keys:
        try:
            key.verify(der, raw_body, ec.ECDSA(hashes.SHA256()))
            return
        except InvalidSignature:
            continue
    raise Rejected(403, "signature does not verify")


def _google_key_texts():
    keys = getattr(settings, "FITBIT_WEBHOOK_PUBLIC_KEYS", None) or []
    return [keys] if isinstance(keys, str) else [k for k in keys if k.strip()]


def _google_key(text):
    """A PEM public key, or its DER (SubjectPublicKeyInfo) in base64 for one-line
    environment variables. Anything else is a deployment error, not a rejection."""
    try:
        if text.lstrip().startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_der_public_key(base64.b64decode(text))
    except ValueError:
        raise ImproperlyConfigured(
            "FITBIT_WEBHOOK_PUBLIC_KEYS holds a key that cannot be read"
        ) from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("FITBIT_WEBHOOK_PUBLIC_KEYS takes P-256 keys only")
    return key
