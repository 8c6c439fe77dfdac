"""What the contract cases share: payload files and matchers on what we send."""

import json
from pathlib import Path

from responses import matchers

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"
CODE = "auth-code-123"


def payload(name):
    return json.loads((PAYLOADS / name).read_text())


def bearer(credentials):
    return matchers.header_matcher(
        {"Authorization": f"Bearer {credentials.access_token}"}
    )


def _client_secret_post(backend):
    return {"client_id": backend.client_id, "client_secret": backend.client_secret}


def code_grant(backend, redirect_uri, code_verifier=None, secret_in_body=True):
    """Matcher for an authorization-code grant (client_secret_post unless told)."""
    params = {
        "grant_type": "authorization_code",
        "code": CODE,
        "redirect_uri": redirect_uri,
    }
    if secret_in_body:
        params.update(_client_secret_post(backend))
    if code_verifier:
        params["code_verifier"] = code_verifier
    return matchers.urlencoded_params_matcher(params)


def refresh_grant(backend, credentials):
    """Matcher for a refresh-token grant with the secret in the body."""
    return matchers.urlencoded_params_matcher(
        {
            "grant_type": "refresh_token",
            "refresh_token": credentials.refresh_token,
            **_client_secret_post(backend),
        }
    )
