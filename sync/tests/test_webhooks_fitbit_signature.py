"""Google Health's notification signature (providers.md §7.5): with public keys
configured, a notification must carry an ECDSA P-256 / SHA-256 signature of its raw
body in Tink's format, besides the bearer secret. The tests sign with their own keys."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from sync.webhooks.store import rejection_counts

from .webhook_helpers import URLCONF, deliver, events

pytestmark = pytest.mark.urls(URLCONF)

URL = "/webhooks/fitbit/"
BEARER = {"Authorization": "Bearer google-hook-secret"}
HEADER = "GOOGLE-HEALTH-API-SIGNATURE"
NOTIFICATION = [
    {
        "data": {
            "healthUserId": "hu-5d1e2f",
            "dataType": "sleep",
            "operation": "UPSERT",
            "intervals": [],
        }
    }
]
RAW = json.dumps(NOTIFICATION).encode()


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem(key):
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def tink_signature(key, raw, key_id=0x2A5F11C3, version=b"\x01"):
    """What Tink's PublicKeySign writes for a TINK-prefixed key: a version byte, the
    4-byte key id, then the DER signature of the unchanged message; base64."""
    der = key.sign(raw, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(version + key_id.to_bytes(4, "big") + der).decode()


@pytest.fixture
def google_key():
    return new_key()


@pytest.fixture(autouse=True)
def configured(settings, google_key):
    settings.FITBIT_WEBHOOK_SECRET = "google-hook-secret"
    settings.FITBIT_WEBHOOK_PUBLIC_KEYS = [pem(google_key)]


def signed(signature, header=HEADER):
    return {**BEARER, header: signature}


def send(client, headers, raw=RAW):
    return deliver(client, URL, None, raw=raw, headers=headers)


def test_a_signed_notification_is_stored(client, db, google_key):
    response = send(client, signed(tink_signature(google_key, RAW)))

    assert response.status_code == 204
    assert [e.event_type for e in events("fitbit")] == ["sleep.UPSERT"]


def test_an_unsigned_notification_is_unauthorized_and_counted(client, db):
    assert send(client, BEARER).status_code == 401
    assert events("fitbit") == []
    assert rejection_counts()["fitbit"] == 1


def test_a_notification_signed_by_another_key_is_forbidden_and_counted(client, db):
    forged = tink_signature(new_key(), RAW)

    assert send(client, signed(forged)).status_code == 403
    assert events("fitbit") == []
    assert rejection_counts()["fitbit"] == 1


def test_a_body_changed_after_signing_is_forbidden(client, db, google_key):
    signature = tink_signature(google_key, RAW)
    changed = RAW.replace(b"hu-5d1e2f", b"hu-someone")

    assert send(client, signed(signature), raw=changed).status_code == 403
    assert events("fitbit") == []


def test_a_signature_without_the_tink_prefix_is_forbidden(client, db, google_key):
    bare = base64.b64encode(google_key.sign(RAW, ec.ECDSA(hashes.SHA256()))).decode()
    legacy = tink_signature(google_key, RAW, version=b"\x00")

    assert send(client, signed(bare)).status_code == 403
    assert send(client, signed(legacy)).status_code == 403
    assert events("fitbit") == []
    assert rejection_counts()["fitbit"] == 2


def test_a_signature_that_is_not_base64_is_forbidden(client, db):
    assert send(client, signed("not base64!")).status_code == 403
    assert events("fitbit") == []


def test_the_api_references_header_name_is_read_too(client, db, google_key):
    headers = signed(tink_signature(google_key, RAW), header="X-HEALTHAPI-SIGNATURE")

    assert send(client, headers).status_code == 204
    assert len(events("fitbit")) == 1


def test_a_valid_signature_does_not_replace_the_bearer_secret(client, db, google_key):
    headers = {HEADER: tink_signature(google_key, RAW)}

    assert send(client, headers).status_code == 401
    assert events("fitbit") == []


def test_any_configured_key_verifies_so_keys_can_rotate(
    client, db, settings, google_key
):
    newer = new_key()
    settings.FITBIT_WEBHOOK_PUBLIC_KEYS = [pem(google_key), pem(newer)]

    assert send(client, signed(tink_signature(newer, RAW, key_id=7))).status_code == 204


def test_a_key_may_be_given_as_base64_der(client, db, settings):
    key = new_key()
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings.FITBIT_WEBHOOK_PUBLIC_KEYS = [base64.b64encode(der).decode()]

    assert send(client, signed(tink_signature(key, RAW))).status_code == 204


def test_unparseable_json_without_a_signature_is_refused_as_unsigned(client, db):
    assert send(client, BEARER, raw=b"{not json").status_code == 401
    assert rejection_counts()["fitbit"] == 1


def test_a_signed_body_that_is_not_json_is_a_bad_request(client, db, google_key):
    raw = b"{not json"
    headers = signed(tink_signature(google_key, raw))

    assert send(client, headers, raw=raw).status_code == 400
    assert events("fitbit") == []


def test_verification_requests_are_answered_on_the_bearer_alone(client, db):
    verification = json.dumps({"type": "verification"}).encode()

    assert send(client, BEARER, raw=verification).status_code == 201
    assert send(client, {}, raw=verification).status_code == 401
    assert events("fitbit") == []


def test_without_public_keys_the_bearer_alone_admits(client, db, settings):
    settings.FITBIT_WEBHOOK_PUBLIC_KEYS = []

    assert send(client, BEARER).status_code == 204
    assert len(events("fitbit")) == 1


def test_a_key_that_is_not_p256_is_a_configuration_error(client, db, settings):
    settings.FITBIT_WEBHOOK_PUBLIC_KEYS = [pem(ec.generate_private_key(ec.SECP384R1()))]

    with pytest.raises(ImproperlyConfigured):
        send(client, signed("AQAAAAA="))
