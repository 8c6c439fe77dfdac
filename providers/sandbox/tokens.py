"""Signed, stateless codes and tokens for the sandbox providers.

A token is `django.core.signing` over {provider, kind, athlete, scopes, grant, iat,
exp}, so it survives a server restart. A grant id ties together the code, access
and refresh tokens of one consent (COROS extends a grant, not a token). Spent
single-use tokens and revocations are the only state (models.py). Nothing here
logs or echoes a token.
"""

import base64
import hashlib
import secrets
import time

from django.core import signing
from django.db import IntegrityError, transaction

from .models import GrantExtension, RevokedGrant, SpentToken

CODE_LIFETIME = 600  # seconds; COROS says ~30 min, others less


class InvalidToken(Exception):
    """Unknown, tampered, expired, spent or revoked; the message names which."""


def _salt(slug, kind):
    return f"providers.sandbox:{slug}:{kind}"


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue(slug, kind, athlete_id, scopes, lifetime=None, grant=None, **extra):
    """A new signed token; `lifetime` None means it never expires."""
    now = time.time()
    payload = {
        "a": athlete_id,
        "s": list(scopes),
        "g": grant or secrets.token_hex(8),
        "iat": now,
        "exp": now + lifetime if lifetime else None,
        # Two tokens issued in the same instant must still differ.
        "n": secrets.token_hex(4),
        **extra,
    }
    return signing.dumps(payload, salt=_salt(slug, kind), compress=True)


def read(slug, kind, token, now=None):
    """The payload of a valid token; InvalidToken otherwise."""
    if not token:
        raise InvalidToken("no token")
    try:
        payload = signing.loads(token, salt=_salt(slug, kind))
    except signing.BadSignature:
        raise InvalidToken(f"not a {slug} {kind}") from None
    now = now or time.time()
    extended = GrantExtension.objects.filter(grant=payload["g"]).first()
    expires = extended.expires_at if extended else payload["exp"]
    if expires is not None and expires < now:
        raise InvalidToken("expired")
    revoked = RevokedGrant.objects.filter(
        provider=slug, athlete_id=payload["a"], revoked_at__gte=payload["iat"]
    )
    if revoked.exists():
        raise InvalidToken("revoked")
    if SpentToken.objects.filter(digest=digest(token)).exists():
        raise InvalidToken("already used")
    return payload


def spend(token):
    """Mark a single-use code or refresh token used; False if it already was."""
    try:
        with transaction.atomic():
            SpentToken.objects.create(digest=digest(token))
    except IntegrityError:
        return False
    return True


def revoke(slug, athlete_id):
    """Kill every token this provider issued to the athlete so far."""
    RevokedGrant.objects.update_or_create(
        provider=slug, athlete_id=athlete_id, defaults={"revoked_at": time.time()}
    )


def extend(grant, seconds):
    GrantExtension.objects.update_or_create(
        grant=grant, defaults={"expires_at": time.time() + seconds}
    )


def pkce_matches(verifier, challenge):
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding."""
    if not verifier or not 43 <= len(verifier) <= 128:
        return False
    hashed = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(hashed).rstrip(b"=").decode("ascii")
    return secrets.compare_digest(expected, challenge or "")
