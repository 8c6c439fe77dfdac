"""Sandbox Wahoo (Cloud API): providers.md §6.

Space-separated scopes, client secret in the body, PKCE verified when a challenge
was sent (§6.1). Token answer: 2 h access token, `scope`, `created_at`; refresh
tokens are single-use and each refresh returns a new pair (§6.2). The 10-token cap
is not emulated. GET /v1/user (§6.4), DELETE /v1/permissions (§6.3), GET
/v1/workouts newest first with `total` and no date filter (§6.5), summary numbers as
strings, X-RateLimit-* headers on 429 (§6.6, faults.py).
"""

import time

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import data, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    int_param,
    rotating_token_endpoint,
)

SLUG = "wahoo"
ACCESS_LIFETIME = 7200
CONSENT = Consent(
    SLUG, "Wahoo", default_scopes=("user_read", "workouts_read", "offline_data")
)
WORKOUT_TYPES = {"ride": 0, "run": 1}


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def workout_json(session):
    number = data.stable_number(session.key, digits=8)
    return {
        "id": number,
        "starts": _iso(session.start),
        "minutes": session.elapsed_s // 60,
        "name": session.name,
        "workout_type_id": WORKOUT_TYPES[session.sport],
        "workout_token": f"sandbox-{number}",
        "plan_id": None,
        "created_at": _iso(session.uploaded_at),
        "updated_at": _iso(session.uploaded_at),
        "workout_summary": {
            "id": number + 1,
            # Wahoo sends most numbers as strings (§6.5).
            "ascent_accum": str(session.elevation_m),
            "calories_accum": str(float(session.kcal)),
            "distance_accum": str(session.distance_m),
            "duration_active_accum": str(float(session.moving_s)),
            "duration_paused_accum": str(float(session.elapsed_s - session.moving_s)),
            "duration_total_accum": str(float(session.elapsed_s)),
            "heart_rate_avg": str(float(session.hr_avg)),
            "speed_avg": str(round(session.distance_m / session.moving_s, 2)),
            "time_zone": session.zone,
            "manual": False,
            "edited": False,
            "file": {"url": f"https://cdn.wahooligan.example/{number}.fit"},
        },
    }


def _token_answer(athlete_id, scopes, grant):
    return JsonResponse(
        {
            "access_token": tokens.issue(
                SLUG, "access", athlete_id, scopes, ACCESS_LIFETIME, grant
            ),
            "refresh_token": tokens.issue(
                SLUG, "refresh", athlete_id, scopes, None, grant
            ),
            "token_type": "Bearer",
            "expires_in": ACCESS_LIFETIME,
            "scope": " ".join(scopes),
            "created_at": int(time.time()),
        }
    )


@csrf_exempt
@require_POST
def token(request):
    return rotating_token_endpoint(
        SLUG, request, lambda g, first: _token_answer(g["a"], g["s"], g["g"])
    )


@require_GET
@api_view(SLUG)
def user(request, athlete, grant):
    first, last = athlete.name.split(" ", 1)
    profile = {
        "id": int(data.provider_user_id(SLUG, athlete)),
        "first": first,
        "last": last,
        "created_at": "2024-03-01T08:00:00.000Z",
    }
    if "email" in grant["s"]:
        profile["email"] = f"sandbox{athlete.id}@wahoo.example"
    return JsonResponse(profile)


@csrf_exempt
@require_http_methods(["DELETE"])
@api_view(SLUG)
def permissions(request, athlete, grant):
    tokens.revoke(SLUG, athlete.id)
    return HttpResponse(status=204)


@require_GET
@api_view(SLUG, page=lambda request: int_param(request, "page", 1))
def workouts(request, athlete, grant):
    if "workouts_read" not in grant["s"]:
        return JsonResponse({"error": "workouts_read scope required"}, status=403)
    page = max(int_param(request, "page", 1), 1)
    per_page = min(max(int_param(request, "per_page", 30), 1), 100)
    found = data.visible_sessions(athlete, SLUG)[::-1]  # newest first
    chunk = found[(page - 1) * per_page : page * per_page]
    return JsonResponse(
        {
            "workouts": [workout_json(s) for s in chunk],
            "total": len(found),
            "page": page,
            "per_page": per_page,
            "order": "descending",
            "sort": "starts",
        }
    )


urlpatterns = [
    path("oauth/authorize", authorize_view(CONSENT), name="wahoo-authorize"),
    path("oauth/token", token, name="wahoo-token"),
    path("v1/user", user, name="wahoo-user"),
    path("v1/permissions", permissions, name="wahoo-permissions"),
    path("v1/workouts", workouts, name="wahoo-workouts"),
]
