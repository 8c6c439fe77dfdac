"""Sandbox Strava: providers.md §2.

Comma-separated scopes the athlete may untick, granted scopes on the redirect
(§2.1); client secret in the body or query; token answer with `expires_at`,
`expires_in` (6 h) and a summary `athlete`, refresh rotating and killing the old
refresh token, and answering the same access token while it has more than an hour
left (§2.2: the refresh token carries it); deauthorize (§2.3); GET /athlete (§2.4);
activity listing with after/before/page/per_page <= 200, newest first (§2.5);
rate-limit headers (§2.6).
"""

import time

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import data, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    bearer,
    int_param,
    rotating_token_endpoint,
    unauthorized,
)

SLUG = "strava"
ACCESS_LIFETIME = 6 * 3600
SAME_TOKEN_MARGIN = 3600  # Strava answers the same token while it has more left
MAX_PER_PAGE = 200
CONSENT = Consent(
    SLUG,
    "Strava",
    default_scopes=("read",),
    separator=",",
    tickable=True,
    scope_in_redirect=True,
)
SPORTS = {
    "run": "Run",
    "ride": "Ride",
    "swim": "Swim",
    "hike": "Hike",
    "strength": "WeightTraining",
}


def athlete_json(athlete):
    first, last = athlete.name.split(" ", 1)
    return {
        "id": int(data.provider_user_id(SLUG, athlete)),
        "username": f"sandbox{athlete.id}",
        "firstname": first,
        "lastname": last,
        "resource_state": 2,
    }


def activity_json(session, athlete):
    start_local = session.local_start.isoformat() + "Z"  # sic: local time with Z
    return {
        "id": 12_000_000_000 + data.stable_number(session.key),
        "resource_state": 2,
        "athlete": {"id": int(data.provider_user_id(SLUG, athlete))},
        "name": session.name,
        "sport_type": SPORTS[session.sport],
        "type": SPORTS[session.sport],
        "start_date": session.start.isoformat().replace("+00:00", "Z"),
        "start_date_local": start_local,
        "timezone": f"(GMT{_offset(session.offset_s)}) {session.zone}",
        "utc_offset": float(session.offset_s),
        "elapsed_time": session.elapsed_s,
        "moving_time": session.moving_s,
        # Strava reports 0, not null, for sessions without distance.
        "distance": session.distance_m or 0.0,
        "total_elevation_gain": session.elevation_m or 0.0,
        "has_heartrate": True,
        "average_heartrate": float(session.hr_avg),
        "max_heartrate": float(session.hr_max),
        "external_id": f"{session.key}.fit",
        "manual": False,
        "private": False,
        "visibility": "everyone",
    }


def _offset(seconds):
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _access_for(athlete_id, scopes, grant, previous):
    """(access token, epoch expiry, seconds left): the one `previous` (a refresh
    token's payload) stands for while it has more than SAME_TOKEN_MARGIN left, else a
    new one."""
    now = time.time()
    if previous and previous.get("at") and previous["ax"] - now > SAME_TOKEN_MARGIN:
        return previous["at"], previous["ax"], int(previous["ax"] - now)
    access = tokens.issue(SLUG, "access", athlete_id, scopes, ACCESS_LIFETIME, grant)
    return access, int(now) + ACCESS_LIFETIME, ACCESS_LIFETIME


def _token_answer(payload, first):
    """`payload` is the code's (first) or the spent refresh token's."""
    athlete_id, scopes, grant = payload["a"], payload["s"], payload["g"]
    access, expires_at, expires_in = _access_for(
        athlete_id, scopes, grant, None if first else payload
    )
    refresh = tokens.issue(
        SLUG, "refresh", athlete_id, scopes, None, grant, at=access, ax=expires_at
    )
    body = {
        "token_type": "Bearer",
        "access_token": access,
        "refresh_token": refresh,
        "expires_at": expires_at,
        "expires_in": expires_in,
    }
    if first:
        body["athlete"] = athlete_json(data.get_athlete(athlete_id))
    return JsonResponse(body)


@csrf_exempt
@require_POST
def token(request):
    return rotating_token_endpoint(SLUG, request, _token_answer)


@csrf_exempt
@require_POST
def deauthorize(request):
    access = request.POST.get("access_token") or bearer(request)
    try:
        grant = tokens.read(SLUG, "access", access)
    except tokens.InvalidToken:
        return unauthorized()
    tokens.revoke(SLUG, grant["a"])
    return JsonResponse({"access_token": "revoked"})


@require_GET
@api_view(SLUG)
def athlete(request, athlete, grant):
    return JsonResponse(athlete_json(athlete))


@require_GET
@api_view(SLUG, page=lambda request: int_param(request, "page", 1))
def activities(request, athlete, grant):
    if not {"activity:read", "activity:read_all"} & set(grant["s"]):
        return JsonResponse(
            {"message": "Authorization Error", "errors": [{"field": "activity:read"}]},
            status=401,
        )
    per_page = int_param(request, "per_page", 30)
    page = int_param(request, "page", 1)
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
        return JsonResponse({"message": "Bad Request"}, status=400)
    after = int_param(request, "after", 0)
    before = int_param(request, "before", 2**40)
    found = [
        s
        for s in data.visible_sessions(athlete, SLUG)
        if after < s.start.timestamp() < before
    ]
    # Newest first unless `after` alone is given, as Strava does.
    if "before" in request.GET or "after" not in request.GET:
        found.reverse()
    chunk = found[(page - 1) * per_page : page * per_page]
    return JsonResponse([activity_json(s, athlete) for s in chunk], safe=False)


urlpatterns = [
    path("oauth/authorize", authorize_view(CONSENT), name="strava-authorize"),
    path("oauth/token", token, name="strava-token"),
    path("oauth/deauthorize", deauthorize, name="strava-deauthorize"),
    path("api/v3/athlete", athlete, name="strava-athlete"),
    path("api/v3/athlete/activities", activities, name="strava-activities"),
]
