"""Polar's case for the backend contract suite (see README.md here)."""

import base64
import json
from datetime import UTC, timedelta

from responses import matchers

from .common import bearer, code_grant, payload

USER_ID = "40000000001"  # past 32 bits, as Polar ids are (§4.8)

CREDENTIALS = {
    "access_token": "polar-access-contract",
    "refresh_token": None,
    "provider_user_id": USER_ID,
}

AUTHORIZE = {"scope": "accesslink.read_all", "pkce": False, "params": {}}

PROFILE = {
    "polar-user-id": int(USER_ID),
    "member-id": "1",
    "registration-date": "2026-10-01T10:00:00.000Z",
    "first-name": "Test",
    "last-name": "Athlete",
}


def basic(backend):
    pair = f"{backend.client_id}:{backend.client_secret}".encode()
    return matchers.header_matcher(
        {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    )


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    rsps.post(
        backend.token_endpoint,
        json={
            "access_token": "polar-access-new",
            "token_type": "bearer",
            "x_user_id": int(USER_ID),
            "expires_in": 31535999,
        },
        match=[
            basic(backend),
            code_grant(backend, redirect_uri, secret_in_body=False),
        ],
    )
    return {
        "access_token": "polar-access-new",
        "refresh_token": None,
        "provider_user_id": USER_ID,
        "expires_in_s": 31535999,
        "scopes": [],
    }


def refresh(rsps, backend, credentials):
    """Polar issues no refresh token: nothing is registered, nothing may be called."""
    return None


def account(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/v3/users/{USER_ID}",
        json=PROFILE,
        match=[bearer(credentials)],
    )
    return USER_ID


def registration_callback(request):
    body = json.loads(request.body)
    assert list(body) == ["member-id"] and body["member-id"].isdigit()
    return 201, {}, json.dumps({**PROFILE, "member-id": body["member-id"]})


def after_connect(rsps, backend, credentials):
    rsps.add_callback(
        "POST",
        f"{backend.api_url}/v3/users",
        callback=registration_callback,
        match=[bearer(credentials)],
    )


def revoke(rsps, backend, credentials):
    rsps.delete(
        f"{backend.revoke_endpoint}/{USER_ID}",
        status=204,
        match=[bearer(credentials)],
    )


def activities(rsps, backend, credentials, since):
    """One list (Polar does not page) with an exercise uploaded before `since` and a
    repeated one; both must be left out.

    Upload times are moved to just after `since` (the fixture's dates are fixed) so
    that which exercises count does not depend on today's date.
    """
    exercises = payload("polar_exercises.json")
    for day, exercise in enumerate(exercises, start=1):
        uploaded = since + timedelta(days=day)
        exercise["upload_time"] = uploaded.astimezone(UTC).isoformat()
    old = {**exercises[0], "id": "Old00001"}
    old["upload_time"] = (since - timedelta(days=2)).isoformat()
    rsps.get(
        f"{backend.api_url}/v3/exercises",
        json=[old, *exercises, exercises[1]],
        match=[bearer(credentials)],
    )
    return len(exercises)


# §4: a revoked token answers 401/403 on every call.
def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/v3/exercises",
        status=401,
        body="",
        match=[bearer(credentials)],
    )


def refresh_refused(rsps, backend, credentials):
    """Polar has no refresh: there is nothing to refuse."""
    return None


def sparse():
    """A manual Polar Flow entry: no device, no heart rate, zero distance/calories."""
    return {
        "id": "Zz99Yy88",
        "upload_time": "2026-10-25T08:00:00.000Z",
        "polar_user": "https://www.polaraccesslink.com/v3/users/40000000001",
        "device": "",
        "start_time": "2026-10-25T02:30:00",
        "start_time_utc_offset": 0,
        "duration": "PT0S",
        "calories": 0,
        "distance": 0,
        "heart_rate": {"average": 0, "maximum": 0},
        "sport": "OTHER",
        "has_route": False,
    }
