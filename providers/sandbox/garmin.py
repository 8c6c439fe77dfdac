"""Sandbox Garmin (Health / Activity API): providers.md §3.

OAuth 2.0 with mandatory PKCE S256 and no scope parameter; the athlete ticks data
permissions on the consent page (§3.1). Token answer: 24 h access token, rotating
refresh token with `refresh_token_expires_in`, fixed partner `scope`, no user id
(§3.2). Unknown, expired or revoked tokens get 403 (§3.5). GET /user/id and
/user/permissions (§3.4); DELETE /user/registration (§3.3).
Activities are pulled by UPLOAD time in windows of at most 24 h, in seconds (400
otherwise); backfill answers 202, or 409 for a range already requested (§3.5).

The data of an accepted backfill reaches us by push: a task (tasks.py) posts
`backfill_push_payload` to our Garmin webhook after the 202.
"""

import secrets
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import data, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    rotating_token_endpoint,
)
from .models import GarminBackfill

SLUG = "garmin"
ACCESS_LIFETIME = 86400
REFRESH_LIFETIME = 7_775_998  # ~90 days
PARTNER_SCOPE = "PARTNER_WRITE PARTNER_READ CONNECT_READ CONNECT_WRITE"
MAX_PULL_WINDOW = 86400
MAX_BACKFILL_RANGE = 30 * 86400
# §3.5: 401 is "authentication failed", 403 an unknown or invalidated token.
INVALID_TOKEN = 403
CONSENT = Consent(
    SLUG,
    "Garmin Connect",
    default_scopes=("ACTIVITY_EXPORT", "HEALTH_EXPORT", "WORKOUT_IMPORT"),
    tickable=True,
    pkce_required=True,
)
SPORTS = {
    "run": "RUNNING",
    "ride": "ROAD_BIKING",
    "swim": "LAP_SWIMMING",
    "hike": "HIKING",
    "strength": "STRENGTH_TRAINING",
}


def summary_json(session, athlete):
    number = data.stable_number(session.key)
    summary = {
        "userId": data.provider_user_id(SLUG, athlete),
        "summaryId": str(21_000_000_000 + number),
        "activityId": 21_000_000_000 + number,
        "activityName": session.name,
        "activityType": SPORTS[session.sport],
        "startTimeInSeconds": int(session.start.timestamp()),
        "startTimeOffsetInSeconds": session.offset_s,
        "durationInSeconds": session.elapsed_s,
        "averageHeartRateInBeatsPerMinute": session.hr_avg,
        "maxHeartRateInBeatsPerMinute": session.hr_max,
        "activeKilocalories": session.kcal,
        "deviceName": session.device,
        "manual": False,
    }
    if session.distance_m is not None:
        summary["distanceInMeters"] = session.distance_m
        summary["totalElevationGainInMeters"] = session.elevation_m
    return summary


def _token_answer(athlete_id, permissions, grant):
    return JsonResponse(
        {
            "access_token": tokens.issue(
                SLUG, "access", athlete_id, permissions, ACCESS_LIFETIME, grant
            ),
            "token_type": "bearer",
            "expires_in": ACCESS_LIFETIME,
            "refresh_token": tokens.issue(
                SLUG, "refresh", athlete_id, permissions, REFRESH_LIFETIME, grant
            ),
            "refresh_token_expires_in": REFRESH_LIFETIME,
            "scope": PARTNER_SCOPE,
            "jti": secrets.token_hex(16),
        }
    )


@csrf_exempt
@require_POST
def token(request):
    # PKCE is mandatory at Garmin (providers.md §3.1).
    return rotating_token_endpoint(
        SLUG,
        request,
        lambda g, first: _token_answer(g["a"], g["s"], g["g"]),
        require_verifier=True,
    )


@require_GET
@api_view(SLUG, refused_status=INVALID_TOKEN)
def user_id(request, athlete, grant):
    return JsonResponse({"userId": data.provider_user_id(SLUG, athlete)})


@require_GET
@api_view(SLUG, refused_status=INVALID_TOKEN)
def permissions(request, athlete, grant):
    return JsonResponse(list(grant["s"]), safe=False)


@csrf_exempt
@require_http_methods(["DELETE"])
@api_view(SLUG, refused_status=INVALID_TOKEN)
def registration(request, athlete, grant):
    tokens.revoke(SLUG, athlete.id)
    return HttpResponse(status=204)


def _seconds_range(request, low_name, high_name, longest):
    """(low, high) epoch seconds, or an error message (milliseconds are refused)."""
    try:
        low, high = int(request.GET[low_name]), int(request.GET[high_name])
    except (KeyError, ValueError):
        return None, f"{low_name} and {high_name} are required, in seconds"
    if max(low, high) > 10**11:
        return None, "timestamps must be in seconds, not milliseconds"
    if not 0 < high - low <= longest:
        return None, f"the range must be positive and at most {longest} seconds"
    return (low, high), None


def _bad_request(message):
    return JsonResponse({"errorMessage": message}, status=400)


@require_GET
@api_view(SLUG, refused_status=INVALID_TOKEN)
def activities(request, athlete, grant):
    if "ACTIVITY_EXPORT" not in grant["s"]:
        return JsonResponse({"errorMessage": "ACTIVITY_EXPORT not granted"}, status=412)
    window, problem = _seconds_range(
        request, "uploadStartTimeInSeconds", "uploadEndTimeInSeconds", MAX_PULL_WINDOW
    )
    if problem:
        return _bad_request(problem)
    low, high = window
    found = [
        summary_json(s, athlete)
        for s in data.visible_sessions(athlete, SLUG)
        if low <= s.uploaded_at.timestamp() < high
    ]
    return JsonResponse(found, safe=False)


@require_GET
@api_view(SLUG, refused_status=INVALID_TOKEN)
def backfill(request, athlete, grant):
    window, problem = _seconds_range(
        request,
        "summaryStartTimeInSeconds",
        "summaryEndTimeInSeconds",
        MAX_BACKFILL_RANGE,
    )
    if problem:
        return _bad_request(problem)
    try:
        with transaction.atomic():
            GarminBackfill.objects.create(
                athlete_id=athlete.id, start=window[0], end=window[1]
            )
    except IntegrityError:
        return JsonResponse({"errorMessage": "duplicate backfill request"}, status=409)
    # The sandbox is served by our own server: its Garmin webhook is on this host.
    webhook_url = request.build_absolute_uri("/webhooks/garmin/")
    transaction.on_commit(
        lambda: _push_later(webhook_url, athlete.id, window[0], window[1])
    )
    return HttpResponse(status=202)


def _push_later(webhook_url, athlete_id, start_ts, end_ts):
    from .tasks import push_garmin_backfill  # tasks imports this module

    push_garmin_backfill.enqueue(webhook_url, athlete_id, start_ts, end_ts)


def backfill_push_payload(athlete, start, end):
    """The Push body Garmin sends for a backfill of sessions started in
    [start, end) (aware datetimes), as our Garmin webhook will receive it (§3.7)."""
    found = [
        summary_json(s, athlete)
        for s in data.visible_sessions(athlete, SLUG)
        if start <= s.start < end
    ]
    return {"activities": found}


def pending_backfills(athlete_id):
    """Accepted backfill ranges as aware datetimes, oldest first."""
    rows = GarminBackfill.objects.filter(athlete_id=athlete_id).order_by("start")
    return [
        (
            datetime.fromtimestamp(row.start, UTC),
            datetime.fromtimestamp(row.end, UTC),
        )
        for row in rows
    ]


urlpatterns = [
    path("oauth2Confirm", authorize_view(CONSENT), name="garmin-authorize"),
    path("di-oauth2-service/oauth/token", token, name="garmin-token"),
    path("wellness-api/rest/user/id", user_id, name="garmin-user-id"),
    path("wellness-api/rest/user/permissions", permissions, name="garmin-permissions"),
    path("wellness-api/rest/user/registration", registration, name="garmin-deregister"),
    path("wellness-api/rest/activities", activities, name="garmin-activities"),
    path("wellness-api/rest/backfill/activities", backfill, name="garmin-backfill"),
]
