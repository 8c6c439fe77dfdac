"""Sandbox Polar (Open AccessLink v3): providers.md §4.

HTTP Basic client authentication at the token endpoint and `x_user_id` in a
long-lived token answer without a refresh token (§4.1, §4.2); mandatory user
registration, POST /v3/users, 409 when already registered, and GET /v3/users/{id}
(§4.3); DELETE /v3/users/{id} de-registers and revokes (§4.4); GET /v3/exercises lists
what reached Flow in the last 30 days, without paging (§4.5), with local start time,
offset in minutes and ISO-8601 durations.

Unlike real Polar, exercises uploaded before registration are listed too: a
newcomer's first sync would otherwise always be empty.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import data, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    basic_credentials,
    client_is_valid,
    form,
    oauth_error,
    redeem_code,
)
from .models import PolarRegistration

SLUG = "polar"
ACCESS_LIFETIME = 365 * 86400  # long-lived; the exact figure is unknown (§4.2)
CONSENT = Consent(SLUG, "Polar Flow", default_scopes=("accesslink.read_all",))
SPORTS = {
    "run": ("RUNNING", "RUNNING"),
    "ride": ("CYCLING", "ROAD_BIKING"),
    "swim": ("SWIMMING", "POOL_SWIMMING"),
    "hike": ("HIKING", "HIKING"),
    "strength": ("OTHER", "STRENGTH_TRAINING"),
}


def iso_duration(seconds):
    hours, rest = divmod(seconds, 3600)
    return f"PT{hours}H{rest // 60}M{rest % 60}S"


def exercise_json(session, athlete):
    sport, detailed = SPORTS[session.sport]
    user_id = data.provider_user_id(SLUG, athlete)
    exercise = {
        "id": f"{data.stable_number(session.key):x}",
        "upload_time": session.uploaded_at.isoformat().replace("+00:00", "Z"),
        "polar_user": f"https://www.polaraccesslink.com/v3/users/{user_id}",
        "device": session.device,
        "device_id": "1111AAAA",
        "start_time": session.local_start.isoformat(),
        "start_time_utc_offset": session.offset_s // 60,
        "duration": iso_duration(session.elapsed_s),
        "calories": session.kcal,
        "heart_rate": {"average": session.hr_avg, "maximum": session.hr_max},
        "training_load": round(session.elapsed_s / 60 * 1.3, 1),
        "sport": sport,
        "detailed_sport_info": detailed,
        "has_route": session.distance_m is not None,
    }
    if session.distance_m is not None:
        exercise["distance"] = session.distance_m
    return exercise


def user_json(athlete, registration):
    first, last = athlete.name.split(" ", 1)
    return {
        "polar-user-id": int(data.provider_user_id(SLUG, athlete)),
        "member-id": registration.member_id,
        "registration-date": registration.registered_at.isoformat(),
        "first-name": first,
        "last-name": last,
        "birthdate": "1990-04-12",
        "gender": "FEMALE" if athlete.id % 2 else "MALE",
        "weight": 64.0,
        "height": 171.0,
    }


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    client_id, secret = basic_credentials(request)
    if not client_is_valid(SLUG, client_id, secret):
        response = oauth_error("invalid_client", "HTTP Basic client auth required", 401)
        response["WWW-Authenticate"] = 'Basic realm="polar"'
        return response
    params = form(request)
    if params.get("grant_type") != "authorization_code":
        return oauth_error("unsupported_grant_type", "Polar issues no refresh tokens")
    code, error = redeem_code(SLUG, params)
    if error:
        return error
    access = tokens.issue(SLUG, "access", code["a"], code["s"], ACCESS_LIFETIME)
    athlete = data.get_athlete(code["a"])
    return JsonResponse(
        {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": ACCESS_LIFETIME,
            "x_user_id": int(data.provider_user_id(SLUG, athlete)),
        }
    )


@require_http_methods(["POST"])
@api_view(SLUG)
def register(request, athlete, grant):
    try:
        member_id = str(json.loads(request.body)["member-id"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"message": "member-id is required"}, status=400)
    registration, created = PolarRegistration.objects.get_or_create(
        athlete_id=athlete.id, defaults={"member_id": member_id}
    )
    if not created:
        return JsonResponse({"message": "User already registered"}, status=409)
    return JsonResponse(user_json(athlete, registration))


def _own_registration(athlete, user_id):
    if user_id != data.provider_user_id(SLUG, athlete):
        return None, JsonResponse({"message": "Forbidden"}, status=403)
    registration = PolarRegistration.objects.filter(athlete_id=athlete.id).first()
    if registration is None:
        return None, JsonResponse({"message": "User not registered"}, status=404)
    return registration, None


@csrf_exempt
@require_http_methods(["GET", "DELETE"])
@api_view(SLUG)
def user(request, athlete, grant, user_id):
    registration, error = _own_registration(athlete, user_id)
    if error:
        return error
    if request.method == "DELETE":
        registration.delete()
        tokens.revoke(SLUG, athlete.id)
        return HttpResponse(status=204)
    return JsonResponse(user_json(athlete, registration))


@require_GET
@api_view(SLUG)
def exercises(request, athlete, grant):
    if not PolarRegistration.objects.filter(athlete_id=athlete.id).exists():
        return JsonResponse({"message": "User not registered"}, status=403)
    found = data.visible_sessions(athlete, SLUG)
    return JsonResponse([exercise_json(s, athlete) for s in found], safe=False)


urlpatterns = [
    path("oauth2/authorization", authorize_view(CONSENT), name="polar-authorize"),
    path("v2/oauth2/token", token, name="polar-token"),
    path("v3/users", register, name="polar-register"),
    path("v3/users/<str:user_id>", user, name="polar-user"),
    path("v3/exercises", exercises, name="polar-exercises"),
]
