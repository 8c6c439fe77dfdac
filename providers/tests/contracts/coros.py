"""COROS's case for the backend contract suite (see README.md here)."""

from datetime import UTC, datetime

from responses import matchers

from .common import code_grant, payload, refresh_grant

OPEN_ID = "c0a8f3e2b1d94e7f"
OK = {"result": "0000", "message": "OK"}

CREDENTIALS = {
    "access_token": "coros-access-contract",
    "refresh_token": "coros-refresh-contract",
    "provider_user_id": OPEN_ID,
}

AUTHORIZE = {"scope": None, "pkce": False, "params": {}}


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    rsps.post(
        backend.token_endpoint,
        json={
            "access_token": "coros-access-new",
            "refresh_token": "coros-refresh-new",
            "openId": OPEN_ID,
            "expires_in": 2592000,
        },
        match=[code_grant(backend, redirect_uri)],
    )
    return {
        "access_token": "coros-access-new",
        "refresh_token": "coros-refresh-new",
        "provider_user_id": OPEN_ID,
        "expires_in_s": 2592000,
        "scopes": [],
    }


def refresh(rsps, backend, credentials):
    """COROS extends the same access token: nothing new comes back (§5.2)."""
    rsps.post(
        backend.refresh_endpoint,
        json=OK,
        match=[refresh_grant(backend, credentials)],
    )
    return {"access_token": None, "refresh_token": None}


def account(rsps, backend, credentials):
    """The token response names the user; fetch_account calls nothing."""
    return OPEN_ID


def after_connect(rsps, backend, credentials):
    """COROS has no post-connect step."""


def revoke(rsps, backend, credentials):
    rsps.post(
        backend.revoke_endpoint,
        json=OK,
        match=[matchers.urlencoded_params_matcher({"token": credentials.access_token})],
    )


def activities(rsps, backend, credentials, since):
    """Twenty days back fit one 30-day window, from `since`'s date to today."""
    listing = payload("coros_workouts.json")
    rsps.get(
        f"{backend.api_url}/v2/coros/sport/list",
        json=listing,
        match=[
            matchers.query_param_matcher(
                {
                    "token": credentials.access_token,
                    "openId": credentials.provider_user_id,
                    "startDate": since.astimezone(UTC).strftime("%Y%m%d"),
                    "endDate": datetime.now(UTC).strftime("%Y%m%d"),
                }
            )
        ],
    )
    return len(listing["data"])


# COROS answers HTTP 200 with a result code for its own refusals (§5), whose codes
# are not public; a real HTTP 401 is the shape http.py maps to reconnect.
def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/v2/coros/sport/list",
        status=401,
        json={"result": "1001", "message": "token invalid"},
        match=[
            matchers.query_param_matcher(
                {"token": credentials.access_token}, strict_match=False
            )
        ],
    )


def refresh_refused(rsps, backend, credentials):
    """A refused refresh is a 200 with a failing result code."""
    rsps.post(
        backend.refresh_endpoint,
        json={"result": "5003", "message": "refresh token is invalid"},
        match=[refresh_grant(backend, credentials)],
    )
    return True


def sparse():
    """A COROS workout with nothing measured but its start (COROS sends no name or
    device in the list)."""
    return {
        "labelId": "418173292602499999",
        "mode": 8,
        "subMode": 1,
        "startTime": 1792888200,
        "endTime": 1792888200,
        "startTimezone": 0,
        "distance": 0,
        "duration": 0,
        "calorie": 0,
    }
