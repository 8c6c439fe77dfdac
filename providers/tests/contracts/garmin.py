"""Garmin's case for the backend contract suite (see README.md here)."""

import json
from urllib.parse import parse_qs, urlparse

from .common import bearer, code_grant, payload, refresh_grant

# Garmin's token `scope` is a fixed partner string, not the user's permissions (§3.1).
TOKEN_SCOPE = "PARTNER_WRITE PARTNER_READ CONNECT_READ CONNECT_WRITE"
PERMISSIONS = ["ACTIVITY_EXPORT", "HEALTH_EXPORT"]

CREDENTIALS = {
    "access_token": "garmin-access-contract",
    "refresh_token": "garmin-refresh-contract",
    "provider_user_id": "garmin-user-0001",
}

AUTHORIZE = {"scope": None, "pkce": True, "params": {}}


def token_response(access, refresh):
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 86400,
        "refresh_token": refresh,
        "refresh_token_expires_in": 7775998,
        "scope": TOKEN_SCOPE,
        "jti": "0b6a7c1e-contract",
    }


def token_exchange(rsps, backend, redirect_uri, code_verifier):
    rsps.post(
        backend.token_endpoint,
        json=token_response("garmin-access-new", "garmin-refresh-new"),
        match=[code_grant(backend, redirect_uri, code_verifier)],
    )
    return {
        "access_token": "garmin-access-new",
        "refresh_token": "garmin-refresh-new",
        "provider_user_id": None,
        "expires_in_s": 86400,
        "scopes": TOKEN_SCOPE.split(),
    }


def refresh(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        json=token_response("garmin-access-rotated", "garmin-refresh-rotated"),
        match=[refresh_grant(backend, credentials)],
    )
    return {
        "access_token": "garmin-access-rotated",
        "refresh_token": "garmin-refresh-rotated",
    }


def account(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/wellness-api/rest/user/id",
        json={"userId": "garmin-user-0001"},
        match=[bearer(credentials)],
    )
    rsps.get(
        f"{backend.api_url}/wellness-api/rest/user/permissions",
        json=PERMISSIONS,
        match=[bearer(credentials)],
    )
    return "garmin-user-0001"


def after_connect(rsps, backend, credentials):
    """Garmin has no post-connect step."""


def revoke(rsps, backend, credentials):
    rsps.delete(backend.revoke_endpoint, status=204, match=[bearer(credentials)])


def window_callback(pages, since):
    """Answer each upload window in turn, checking that windows are in seconds, at
    most 24 h long and contiguous from `since`; windows past `pages` are empty."""
    pages = list(pages)
    previous_end = [int(since.timestamp())]

    def callback(request):
        query = parse_qs(urlparse(request.url).query)
        low = int(query["uploadStartTimeInSeconds"][0])
        high = int(query["uploadEndTimeInSeconds"][0])
        assert low == previous_end[0], "upload windows must be contiguous"
        assert 0 < high - low <= 86400, "upload windows are at most 24 h"
        previous_end[0] = high
        body = pages.pop(0) if pages else []
        return 200, {}, json.dumps(body)

    return callback


def activities(rsps, backend, credentials, since):
    """Two non-empty windows (every valid fixture), the rest empty, up to now."""
    pages = [payload("garmin_activities.json"), payload("garmin_multisport.json")]
    rsps.add_callback(
        "GET",
        f"{backend.api_url}/wellness-api/rest/activities",
        callback=window_callback(pages, since),
        match=[bearer(credentials)],
    )
    return sum(len(page) for page in pages)


# §3: "401 auth failed, 403 unknown/invalidated token".
def revoked(rsps, backend, credentials):
    rsps.get(
        f"{backend.api_url}/wellness-api/rest/activities",
        status=401,
        json={"errorMessage": "Unauthorized"},
        match=[bearer(credentials)],
    )


def refresh_refused(rsps, backend, credentials):
    rsps.post(
        backend.refresh_endpoint,
        status=400,
        json={"error": "invalid_grant", "error_description": "Invalid refresh token"},
        match=[refresh_grant(backend, credentials)],
    )
    return True


def sparse():
    """A manual Garmin entry: no name, no device, zeros where nothing was measured."""
    return {
        "userId": "garmin-user-0001",
        "summaryId": "20931249999",
        "activityId": 20931249999,
        "activityName": "",
        "activityType": "STRENGTH_TRAINING",
        "startTimeInSeconds": 1792888200,
        "startTimeOffsetInSeconds": 0,
        "durationInSeconds": 0,
        "distanceInMeters": 0.0,
        "totalElevationGainInMeters": 0.0,
        "averageHeartRateInBeatsPerMinute": 0,
        "maxHeartRateInBeatsPerMinute": 0,
        "activeKilocalories": 0,
        "deviceName": "",
        "manual": True,
    }
