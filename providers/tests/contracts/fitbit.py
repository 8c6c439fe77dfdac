"""Fitbit's (Google Health API) case for the backend contract suite."""

from datetime import UTC

from responses import matchers

from .common import bearer, code_grant, payload, refresh_grant

SCOPE = "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"
# Asked for, not required: only the exercise TCX export (streams) needs it.
LOCATION_SCOPE = "https://www.googleapis.com/auth/googlehealth.location.readonly"
LIST_PATH = "/v4/users/me/dataTypes/exercise/dataPoints"

CREDENTIALS = {
    "access_token": "fitbit-access-contract",
    "refresh_token": "fitbit-refresh-contract",
    "provider_user_id": "5d2c7e9a4b1f4c0e9a7b3c2d1e0f9a8b",
}

AUTHORIZE = {
    "scope": f"{SCOPE} {LOCATION_SCOPE}",
    "pkce": False,
    "params": {
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
    },
}


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    rsps.post(
        backend.token_endpoint,
        json={
            "access_token": "fitbit-access-new",
            "expires_in": 3599,
            "refresh_token": "fitbit-refresh-new",
            "scope": SCOPE,
            "token_type": "Bearer",
        },
        match=[code_grant(backend, redirect_uri)],
    )
    return {
        "access_token": "fitbit-access-new",
        "refresh_token": "fitbit-refresh-new",
        "provider_user_id": None,
        "expires_in_s": 3599,
        "scopes": [SCOPE],
    }


def refresh(rsps, backend, credentials):
    # Google answers a refresh without a new refresh token.
    rsps.post(
        backend.refresh_endpoint,
        json={
            "access_token": "fitbit-access-refreshed",
            "expires_in": 3599,
            "scope": SCOPE,
            "token_type": "Bearer",
        },
        match=[refresh_grant(backend, credentials)],
    )
    return {"access_token": "fitbit-access-refreshed", "refresh_token": None}


def account(rsps, backend, credentials):
    identity = payload("fitbit_identity.json")
    rsps.get(
        f"{backend.api_url}/v4/users/me/identity",
        json=identity,
        match=[bearer(credentials)],
    )
    return identity["healthUserId"]


def after_connect(rsps, backend, credentials):
    """Nothing after connect (webhook subscriptions are not part of the backend)."""


def revoke(rsps, backend, credentials):
    rsps.post(
        backend.revoke_endpoint,
        status=200,
        match=[
            matchers.urlencoded_params_matcher({"token": credentials.refresh_token})
        ],
    )


def activities(rsps, backend, credentials, since):
    points = payload("fitbit_exercises.json")
    start = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {
        "pageSize": str(backend.page_size),
        "filter": f'exercise.interval.start_time >= "{start}"',
    }
    pages = [
        ({"dataPoints": points[:2], "nextPageToken": "page-2"}, query),
        ({"dataPoints": points[2:]}, {**query, "pageToken": "page-2"}),
    ]
    for body, params in pages:
        rsps.get(
            f"{backend.api_url}{LIST_PATH}",
            json=body,
            match=[bearer(credentials), matchers.query_param_matcher(params)],
        )
    return len(points)


def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/v4/users/me/dataTypes/exercise/dataPoints",
        status=401,
        json={
            "error": {
                "code": 401,
                "message": "Request had invalid authentication credentials.",
                "status": "UNAUTHENTICATED",
            }
        },
        match=[bearer(credentials)],
    )


def refresh_refused(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        status=400,
        json={
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked.",
        },
        match=[refresh_grant(backend, credentials)],
    )
    return True


def sparse():
    """A manually logged exercise: blank display name, no device, zero metrics."""
    return {
        "name": "users/me/dataTypes/exercise/dataPoints/7771000000000009999",
        "dataSource": {"recordingMethod": "MANUAL", "platform": "FITBIT"},
        "exercise": {
            "interval": {
                "startTime": "2026-10-24T07:00:00Z",
                "endTime": "2026-10-24T07:00:00Z",
                "startUtcOffset": "0s",
            },
            "exerciseType": "WEIGHTLIFTING",
            "activeDuration": "0s",
            "metricsSummary": {
                "distanceMillimeters": "0",
                "elevationGainMillimeters": "0",
                "caloriesKcal": 0,
                "averageHeartRateBeatsPerMinute": "0",
            },
            "displayName": " ",
        },
    }
