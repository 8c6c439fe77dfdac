"""Strava's case for the backend contract suite (see README.md here)."""

import time

from responses import matchers

from .common import bearer, code_grant, payload, refresh_grant

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


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    athlete = payload("strava_athlete.json")
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
        match=[code_grant(backend, redirect_uri)],
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
        match=[refresh_grant(backend, credentials)],
    )
    return {
        "access_token": "strava-access-rotated",
        "refresh_token": "strava-refresh-rotated",
    }


def account(rsps, backend, credentials):
    athlete = payload("strava_athlete.json")
    rsps.get(f"{backend.api_url}/athlete", json=athlete, match=[bearer(credentials)])
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
    items = payload("strava_activities.json")
    # Small pages so the fixture spans a full page and a short last page.
    backend.per_page = 4
    pages = [items[:4], items[4:]]
    for number, page in enumerate(pages, start=1):
        rsps.get(
            f"{backend.api_url}/athlete/activities",
            json=page,
            match=[
                bearer(credentials),
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


# What Strava answers once the athlete revoked our access (§2.3: later calls 401).
def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/athlete/activities",
        status=401,
        json={
            "message": "Authorization Error",
            "errors": [
                {"resource": "Athlete", "field": "access_token", "code": "invalid"}
            ],
        },
        match=[bearer(credentials)],
    )


def refresh_refused(rsps, backend, credentials):
    """Strava's refusal of a revoked refresh token: a 400 that never says
    invalid_grant."""
    rsps.post(
        backend.refresh_endpoint,
        status=400,
        json={
            "message": "Bad Request",
            "errors": [
                {
                    "resource": "RefreshToken",
                    "field": "refresh_token",
                    "code": "invalid",
                }
            ],
        },
        match=[refresh_grant(backend, credentials)],
    )
    return True


def sparse():
    """A time-only manual entry: Strava sends a blank name, 0 for what was not
    measured, and no device_name at all."""
    return {
        "id": 9100000001,
        "name": "",
        "sport_type": "WeightTraining",
        "type": "WeightTraining",
        "start_date": "2026-10-24T17:00:00Z",
        "start_date_local": "2026-10-24T17:00:00Z",
        "timezone": "(GMT+00:00) Africa/Abidjan",
        "utc_offset": 0.0,
        "elapsed_time": 0,
        "moving_time": 0,
        "distance": 0.0,
        "total_elevation_gain": 0,
        "has_heartrate": False,
        "manual": True,
        "calories": 0,
    }
