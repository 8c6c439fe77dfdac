"""Wahoo's case for the backend contract suite (see README.md here)."""

from datetime import UTC, timedelta

from responses import matchers

from .common import bearer, code_grant, payload, refresh_grant

SCOPE = "user_read workouts_read plans_write workouts_write offline_data"

CREDENTIALS = {
    "access_token": "wahoo-access-contract",
    "refresh_token": "wahoo-refresh-contract",
    "provider_user_id": "60462",
}

AUTHORIZE = {"scope": SCOPE, "pkce": False, "params": {}}


def _token(access, refresh):
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 7200,
        "refresh_token": refresh,
        "scope": SCOPE,
        "created_at": 1792900000,
    }


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    rsps.post(
        backend.token_endpoint,
        json=_token("wahoo-access-new", "wahoo-refresh-new"),
        match=[code_grant(backend, redirect_uri)],
    )
    return {
        "access_token": "wahoo-access-new",
        "refresh_token": "wahoo-refresh-new",
        "provider_user_id": None,
        "expires_in_s": 7200,
        "scopes": SCOPE.split(),
    }


def refresh(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        json=_token("wahoo-access-rotated", "wahoo-refresh-rotated"),
        match=[refresh_grant(backend, credentials)],
    )
    return {
        "access_token": "wahoo-access-rotated",
        "refresh_token": "wahoo-refresh-rotated",
    }


def account(rsps, backend, credentials):
    user = payload("wahoo_user.json")
    rsps.get(f"{backend.api_url}/v1/user", json=user, match=[bearer(credentials)])
    return str(user["id"])


def after_connect(rsps, backend, credentials):
    """Wahoo has no post-connect step."""


def revoke(rsps, backend, credentials):
    rsps.delete(backend.revoke_endpoint, status=204, match=[bearer(credentials)])


def activities(rsps, backend, credentials, since):
    """Two pages, newest first; the last workout predates `since` and ends paging.

    Start times are moved to just after `since` (the fixture's own dates are fixed)
    so that which workouts count does not depend on today's date.
    """
    workouts = payload("wahoo_workouts.json")
    for age, workout in enumerate(workouts):
        starts = since + timedelta(days=len(workouts) - 1 - age, hours=1)
        workout["starts"] = starts.astimezone(UTC).isoformat()
    workouts[-1]["starts"] = (since - timedelta(days=1)).isoformat()
    backend.per_page = 3
    total = len(workouts) + 10  # older workouts exist beyond the ones we must fetch
    for number, page in enumerate([workouts[:3], workouts[3:]], start=1):
        rsps.get(
            f"{backend.api_url}/v1/workouts",
            json={"workouts": page, "total": total, "page": number, "per_page": 3},
            match=[
                bearer(credentials),
                matchers.query_param_matcher({"page": str(number), "per_page": "3"}),
            ],
        )
    return len(workouts) - 1


def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/v1/workouts",
        status=401,
        json={"error": "Unauthorized"},
        match=[bearer(credentials)],
    )


def refresh_refused(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        status=400,
        json={
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid, "
            "expired, revoked, does not match the redirection URI used in the "
            "authorization request, or was issued to another client.",
        },
        match=[refresh_grant(backend, credentials)],
    )
    return True


def sparse():
    """A Wahoo workout with a blank name and a summary of zeros."""
    return {
        "id": 300000099,
        "starts": "2026-10-25T09:00:00.000Z",
        "minutes": 0,
        "name": "",
        "workout_type_id": 0,
        "workout_summary": {
            "id": 400000099,
            "ascent_accum": "0.0",
            "calories_accum": "0.0",
            "distance_accum": "0.0",
            "duration_active_accum": "0.0",
            "duration_total_accum": "0.0",
            "heart_rate_avg": "0.0",
            "time_zone": "UTC",
        },
    }
