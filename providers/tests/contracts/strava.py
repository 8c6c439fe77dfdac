"""Strava's case for the backend contract suite (see README.md here)."""

import json
import time
from pathlib import Path

from responses import matchers

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"

CREDENTIALS = {
    "access_token": "strava-access-contract",
    "refresh_token": "strava-refresh-contract",
    "provider_user_id": "48213377",
}

AUTHORIZE = {
    "scope": "read,activity:read_all",
    "pkce": False,
    "params": {"approval_prompt": "auto"},
}


def _payload(name):
    return json.loads((PAYLOADS / name).read_text())


def _bearer(credentials):
    return matchers.header_matcher(
        {"Authorization": f"Bearer {credentials.access_token}"}
    )


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    athlete = _payload("strava_athlete.json")
    rsps.post(
        backend.token_endpoint,
        json={
            "token_type": "Bearer",
            "expires_at": int(time.time()) + 21600,
            "expires_in": 21600,
            "refresh_token": "strava-refresh-new",
            "access_token": "strava-access-new",
            "athlete": athlete,
        },
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "code": "auth-code-123",
                    "redirect_uri": redirect_uri,
                    "client_id": backend.client_id,
                    "client_secret": backend.client_secret,
                }
            )
        ],
    )
    return {
        "access_token": "strava-access-new",
        "refresh_token": "strava-refresh-new",
        "provider_user_id": str(athlete["id"]),
        "expires_in_s": 21600,
        # Strava reports granted scopes on the redirect, not in the token response.
        "scopes": [],
    }


def refresh(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        json={
            "token_type": "Bearer",
            "access_token": "strava-access-rotated",
            "expires_at": int(time.time()) + 21600,
            "expires_in": 21600,
            "refresh_token": "strava-refresh-rotated",
        },
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": credentials.refresh_token,
                    "client_id": backend.client_id,
                    "client_secret": backend.client_secret,
                }
            )
        ],
    )
    return {
        "access_token": "strava-access-rotated",
        "refresh_token": "strava-refresh-rotated",
    }


def account(rsps, backend, credentials):
    athlete = _payload("strava_athlete.json")
    rsps.get(f"{backend.api_url}/athlete", json=athlete, match=[_bearer(credentials)])
    return str(athlete["id"])


def after_connect(rsps, backend, credentials):
    """Strava has no post-connect step."""


def revoke(rsps, backend, credentials):
    rsps.post(
        backend.revoke_endpoint,
        json={"access_token": credentials.access_token},
        match=[
            matchers.urlencoded_params_matcher(
                {"access_token": credentials.access_token}
            )
        ],
    )


def activities(rsps, backend, credentials, since):
    items = _payload("strava_activities.json")
    # Small pages so the fixture spans a full page and a short last page.
    backend.per_page = 4
    pages = [items[:4], items[4:]]
    for number, page in enumerate(pages, start=1):
        rsps.get(
            f"{backend.api_url}/athlete/activities",
            json=page,
            match=[
                _bearer(credentials),
                matchers.query_param_matcher(
                    {
                        "after": str(int(since.timestamp())),
                        "page": str(number),
                        "per_page": "4",
                    },
                    strict_match=False,
                ),
            ],
        )
    return len(items)
