"""Sandbox "Fitbit", i.e. the Google Health API with Google OAuth: providers.md §7.

Google web-server OAuth with the secret in the body; 1 h access tokens; refresh
returns a new access token and no new refresh token (§7.2, §1). POST /revoke with
`token` ends the grant. GET /v4/users/me/identity gives `healthUserId` (§7.2).
Exercises are data points listed with `filter`, `pageSize` and `pageToken`,
distances in millimetres and durations as protobuf strings like "1800s" (§7.3).
"""

import re
from datetime import datetime

from django.core import signing
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import data, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    client_is_valid,
    form,
    int_param,
    oauth_error,
    redeem_code,
    redeem_refresh,
)

SLUG = "fitbit"
ACCESS_LIFETIME = 3599
SCOPE = "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"
CONSENT = Consent(SLUG, "Google Health (Fitbit)", default_scopes=(SCOPE,))
EXERCISE_TYPES = {
    "run": "RUNNING",
    "ride": "BIKING",
    "swim": "SWIMMING",
    "hike": "HIKING",
    "strength": "STRENGTH_TRAINING",
}
FILTER_TERM = re.compile(r'^exercise\.interval\.start_time\s*(>=|<)\s*"([^"]+)"$')
PAGE_SALT = "providers.sandbox:fitbit:page"


def _rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def data_point_json(session, athlete):
    user = data.provider_user_id(SLUG, athlete)
    metrics = {
        "caloriesKcal": session.kcal,
        "averageHeartRateBeatsPerMinute": session.hr_avg,
        "maxHeartRateBeatsPerMinute": session.hr_max,
    }
    if session.distance_m is not None:
        # int64 values travel as JSON strings in Google APIs.
        metrics["distanceMillimeters"] = str(round(session.distance_m * 1000))
        metrics["elevationGainMillimeters"] = str(round(session.elevation_m * 1000))
        speed = session.distance_m * 1000 / session.moving_s
        metrics["averageSpeedMillimetersPerSecond"] = round(speed, 1)
    return {
        "name": f"users/{user}/dataTypes/exercise/dataPoints/"
        f"{data.stable_number(session.key, digits=12)}",
        "dataSource": {"device": {"displayName": session.device}},
        "exercise": {
            "interval": {
                "startTime": _rfc3339(session.start),
                "endTime": _rfc3339(session.end),
                "startUtcOffset": f"{session.offset_s}s",
            },
            "exerciseType": EXERCISE_TYPES[session.sport],
            "displayName": session.name,
            "activeDuration": f"{session.moving_s}s",
            "metricsSummary": metrics,
        },
    }


def _token_body(athlete_id, scopes, grant):
    return {
        "access_token": tokens.issue(
            SLUG, "access", athlete_id, scopes, ACCESS_LIFETIME, grant
        ),
        "expires_in": ACCESS_LIFETIME,
        "scope": " ".join(scopes),
        "token_type": "Bearer",
    }


@csrf_exempt
@require_POST
def token(request):
    params = form(request)
    if not client_is_valid(SLUG, params.get("client_id"), params.get("client_secret")):
        return oauth_error("invalid_client", "The OAuth client was not found.", 401)
    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        code, error = redeem_code(SLUG, params)
        if error:
            return error
        body = _token_body(code["a"], code["s"], code["g"])
        body["refresh_token"] = tokens.issue(
            SLUG, "refresh", code["a"], code["s"], None, code["g"]
        )
        return JsonResponse(body)
    if grant_type == "refresh_token":
        # Google keeps the refresh token: no rotation, no new one in the answer.
        old, error = redeem_refresh(SLUG, params, rotate=False)
        return error or JsonResponse(_token_body(old["a"], old["s"], old["g"]))
    return oauth_error("unsupported_grant_type", "Invalid grant_type.")


@csrf_exempt
@require_POST
def revoke(request):
    value = form(request).get("token")
    for kind in ("refresh", "access"):
        try:
            grant = tokens.read(SLUG, kind, value)
        except tokens.InvalidToken:
            continue
        tokens.revoke(SLUG, grant["a"])
        return JsonResponse({})
    return oauth_error("invalid_token", "Token expired or revoked")


@require_GET
@api_view(SLUG)
def identity(request, athlete, grant):
    return JsonResponse(
        {
            "name": "users/me/identity",
            "healthUserId": data.provider_user_id(SLUG, athlete),
            "legacyUserId": f"SBX{athlete.id:03d}",
        }
    )


def _parse_filter(text):
    """(after, before) aware datetimes from a start_time filter; ValueError if not."""
    after = before = None
    for term in filter(None, (t.strip() for t in re.split(r"\bAND\b", text or ""))):
        match = FILTER_TERM.match(term)
        if not match:
            raise ValueError(term)
        moment = datetime.fromisoformat(match.group(2))
        if moment.tzinfo is None:
            raise ValueError(term)
        if match.group(1) == ">=":
            after = moment
        else:
            before = moment
    return after, before


def _page_of(request):
    try:
        return signing.loads(request.GET["pageToken"], salt=PAGE_SALT)["p"]
    except (KeyError, signing.BadSignature):
        return 1


def _bad_argument(message):
    return JsonResponse(
        {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}},
        status=400,
    )


@require_GET
@api_view(SLUG, page=_page_of)
def data_points(request, athlete, grant):
    if SCOPE not in grant["s"]:
        return JsonResponse(
            {"error": {"code": 403, "status": "PERMISSION_DENIED"}}, status=403
        )
    try:
        after, before = _parse_filter(request.GET.get("filter"))
    except ValueError:
        return _bad_argument("Unsupported filter.")
    if "pageToken" in request.GET and _page_of(request) == 1:
        return _bad_argument("Invalid page token.")
    size = min(max(int_param(request, "pageSize", 25), 1), 1000)
    page = _page_of(request)
    found = [
        s
        for s in data.visible_sessions(athlete, SLUG)
        if (after is None or s.start >= after) and (before is None or s.start < before)
    ]
    chunk = found[(page - 1) * size : page * size]
    body = {"dataPoints": [data_point_json(s, athlete) for s in chunk]}
    if page * size < len(found):
        body["nextPageToken"] = signing.dumps({"p": page + 1}, salt=PAGE_SALT)
    return JsonResponse(body)


urlpatterns = [
    path("o/oauth2/v2/auth", authorize_view(CONSENT), name="fitbit-authorize"),
    path("token", token, name="fitbit-token"),
    path("revoke", revoke, name="fitbit-revoke"),
    path("v4/users/me/identity", identity, name="fitbit-identity"),
    path(
        "v4/users/me/dataTypes/exercise/dataPoints",
        data_points,
        name="fitbit-data-points",
    ),
]
