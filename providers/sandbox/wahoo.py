"""Sandbox Wahoo (Cloud API): providers.md §6.

Space-separated scopes, client secret in the body, PKCE verified when a challenge
was sent (§6.1). Token answer: 2 h access token, `scope`, `created_at`; refresh
tokens are single-use and each refresh returns a new pair (§6.2). The cap of 10
unrevoked access tokens per app and athlete is kept in token_cap.py: every API view
counts its token's use. GET /v1/user (§6.4), DELETE /v1/permissions (§6.3), GET
/v1/workouts newest first with `total` and no date filter (§6.5), summary numbers as
strings, X-RateLimit-* headers on 429 (§6.6, faults.py).
"""

import time
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import data, stream_links, token_cap, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    bearer,
    client_id_for,
    client_is_valid,
    form,
    int_param,
    oauth_error,
    rotating_token_endpoint,
    unauthorized,
)

SLUG = "wahoo"
ACCESS_LIFETIME = 7200
CONSENT = Consent(
    SLUG, "Wahoo", default_scopes=("user_read", "workouts_read", "offline_data")
)
WORKOUT_TYPES = {"ride": 0, "run": 1}


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def number_of(session):
    return data.stable_number(session.key, digits=8)


def workout_json(session, request=None):
    """The workout with its summary; with `request`, `file.url` is the sandbox's
    own (pre-signed) FIT file."""
    number = number_of(session)
    file_url = f"https://cdn.wahooligan.example/{number}.fit"
    if request is not None:
        file_url = stream_links.file_url(request, "wahoo-fit", number, session)
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
            "file": {"url": file_url},
        },
    }


def _token_answer(params, athlete_id, scopes, grant, first):
    access = tokens.issue(SLUG, "access", athlete_id, scopes, ACCESS_LIFETIME, grant)
    refresh = tokens.issue(SLUG, "refresh", athlete_id, scopes, None, grant)
    spent = None if first else params.get("refresh_token")
    token_cap.record(params["client_id"], athlete_id, access, refresh, spent)
    return JsonResponse(
        {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": ACCESS_LIFETIME,
            "scope": " ".join(scopes),
            "created_at": int(time.time()),
        }
    )


def _athlete_asking(params):
    """The athlete a code or refresh token was issued to; None if it is unreadable
    (the shared endpoint then refuses it in its own words)."""
    kind, value = "code", params.get("code")
    if params.get("grant_type") == "refresh_token":
        kind, value = "refresh", params.get("refresh_token")
    try:
        return tokens.read(SLUG, kind, value)["a"]
    except (tokens.InvalidToken, KeyError):
        return None


def _refused_by_the_cap(params):
    """Wahoo's answer when this grant may not have another token, else None."""
    if not client_is_valid(SLUG, params.get("client_id"), params.get("client_secret")):
        return None
    refresh = params.get("refresh_token")
    refreshing = params.get("grant_type") == "refresh_token" and refresh
    if refreshing and token_cap.refresh_revoked(refresh):
        return oauth_error("invalid_grant", "refresh token revoked")
    athlete_id = _athlete_asking(params)
    if athlete_id is not None and token_cap.is_full(params["client_id"], athlete_id):
        # Checked before the code or refresh token is spent, as a refusal spends
        # nothing.
        return JsonResponse({"error": token_cap.CAP_MESSAGE}, status=400)
    return None


@csrf_exempt
@require_POST
def token(request):
    params = form(request)
    return _refused_by_the_cap(params) or rotating_token_endpoint(
        SLUG,
        request,
        lambda g, first: _token_answer(params, g["a"], g["s"], g["g"], first),
    )


def counts_use(view):
    """Record the token's API use for the cap; a token revoked there is refused."""

    @wraps(view)
    def wrapper(request, athlete, grant, *args, **kwargs):
        if not token_cap.use(bearer(request), client_id_for(SLUG), athlete.id):
            return unauthorized()
        return view(request, athlete, grant, *args, **kwargs)

    return wrapper


@require_GET
@api_view(SLUG)
@counts_use
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
@counts_use
def permissions(request, athlete, grant):
    token_cap.revoke_all(client_id_for(SLUG), athlete.id)
    return HttpResponse(status=204)


@require_GET
@api_view(SLUG, page=lambda request: int_param(request, "page", 1))
@counts_use
def workouts(request, athlete, grant):
    if "workouts_read" not in grant["s"]:
        return JsonResponse({"error": "workouts_read scope required"}, status=403)
    page = max(int_param(request, "page", 1), 1)
    per_page = min(max(int_param(request, "per_page", 30), 1), 100)
    found = data.visible_sessions(athlete, SLUG)[::-1]  # newest first
    chunk = found[(page - 1) * per_page : page * per_page]
    return JsonResponse(
        {
            "workouts": [workout_json(s, request) for s in chunk],
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
