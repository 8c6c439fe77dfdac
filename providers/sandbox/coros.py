"""Sandbox COROS (Open API): providers.md §5.

Client secret in the form body, no scope (§5.1). Every answer is HTTP 200 with a
`result` code, "0000" meaning success (§5.2); the codes for failures are private, so
the sandbox's own are below. The token answer names the user as `openId`; refresh
answers only {result, message} and extends the SAME access token by 30 days, and the
refresh token never changes (§5.2). Deauthorize takes the token as a form field
(§5.3). Data calls authenticate with `token` and `openId` query parameters; the
listing takes YYYYMMDD dates, at most 30 days, no earlier than three months ago,
with time zones in 15-minute units (§5.4). A data call with an unknown or revoked
token gets HTTP 401, as every sandbox provider does: how COROS answers it is not
public.
"""

from datetime import datetime

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import data, stream_links, tokens
from .base import (
    Consent,
    api_view,
    authorize_view,
    client_is_valid,
    form,
    redeem_code,
    redeem_refresh,
)

SLUG = "coros"
ACCESS_LIFETIME = 30 * 86400
MAX_WINDOW_DAYS = 30
OK = "0000"
# Sandbox failure codes (COROS's real ones are not public, §10.4).
BAD_CLIENT, BAD_GRANT, BAD_TOKEN, BAD_DATES = "5001", "5002", "5003", "5004"
CONSENT = Consent(SLUG, "COROS")
SPORTS = {"run": (8, 1), "ride": (9, 1), "swim": (1, 2), "hike": (1, 61)}
SPORTS["strength"] = (2, 32)


def result(code, message, **extra):
    return JsonResponse({"result": code, "message": message, **extra})


def label_of(session):
    return str(400_000_000_000 + data.stable_number(session.key))


def workout_json(session, athlete, request=None):
    """The workout record; with `request`, `fitUrl` is the sandbox's own file."""
    mode, sub_mode = SPORTS[session.sport]
    label = label_of(session)
    fit_url = f"https://oss.coros.example/fit/{label}.fit"
    if request is not None:
        fit_url = stream_links.file_url(request, "coros-fit", label, session)
    workout = {
        "labelId": label,
        "openId": data.provider_user_id(SLUG, athlete),
        "mode": mode,
        "subMode": sub_mode,
        "startTime": int(session.start.timestamp()),
        "endTime": int(session.end.timestamp()),
        "startTimezone": session.offset_s // 900,
        "endTimezone": session.offset_s // 900,
        "duration": session.elapsed_s,
        "calorie": session.kcal * 1000,  # small calories (§5.4)
        "fitUrl": fit_url,
    }
    if session.distance_m is not None:
        workout["distance"] = session.distance_m
        workout["avgSpeed"] = round(session.distance_m / session.moving_s, 2)
    return workout


@csrf_exempt
@require_POST
def token(request):
    params = form(request)
    if not client_is_valid(SLUG, params.get("client_id"), params.get("client_secret")):
        return result(BAD_CLIENT, "invalid client")
    code, error = redeem_code(SLUG, params)
    if error:
        return result(BAD_GRANT, "invalid authorization code")
    athlete = data.get_athlete(code["a"])
    return result(
        OK,
        "OK",
        access_token=tokens.issue(
            SLUG, "access", athlete.id, [], ACCESS_LIFETIME, code["g"]
        ),
        refresh_token=tokens.issue(SLUG, "refresh", athlete.id, [], None, code["g"]),
        openId=data.provider_user_id(SLUG, athlete),
        expires_in=ACCESS_LIFETIME,
    )


@csrf_exempt
@require_POST
def refresh(request):
    params = form(request)
    if not client_is_valid(SLUG, params.get("client_id"), params.get("client_secret")):
        return result(BAD_CLIENT, "invalid client")
    payload, error = redeem_refresh(SLUG, params, rotate=False)
    if error:
        return result(BAD_GRANT, "invalid refresh token")
    tokens.extend(payload["g"], ACCESS_LIFETIME)
    return result(OK, "OK")


@csrf_exempt
@require_POST
def deauthorize(request):
    try:
        grant = tokens.read(SLUG, "access", form(request).get("token"))
    except tokens.InvalidToken:
        return result(BAD_TOKEN, "invalid token")
    tokens.revoke(SLUG, grant["a"])
    return result(OK, "OK")


def _query_token(request):
    return request.GET.get("token", "")


def _date(value):
    return datetime.strptime(value or "", "%Y%m%d").date()


@require_GET
@api_view(SLUG, token_from=_query_token)
def sport_list(request, athlete, grant):
    if request.GET.get("openId") != data.provider_user_id(SLUG, athlete):
        return result(BAD_TOKEN, "openId does not match the token")
    try:
        start, end = (
            _date(request.GET.get("startDate")),
            _date(request.GET.get("endDate")),
        )
    except ValueError:
        return result(BAD_DATES, "startDate and endDate must be YYYYMMDD")
    today = timezone.now().date()
    if not 0 <= (end - start).days < MAX_WINDOW_DAYS:
        return result(BAD_DATES, "the date range must be 1 to 30 days")
    if start < data.three_months_before(today):
        return result(BAD_DATES, "startDate is more than three months ago")
    found = [
        workout_json(s, athlete, request)
        for s in data.visible_sessions(athlete, SLUG)
        if start <= s.start.date() <= end
    ]
    return result(OK, "OK", data=found)


urlpatterns = [
    path("oauth2/authorize", authorize_view(CONSENT), name="coros-authorize"),
    path("oauth2/accesstoken", token, name="coros-token"),
    path("oauth2/refresh-token", refresh, name="coros-refresh"),
    path("oauth2/deauthorize", deauthorize, name="coros-deauthorize"),
    path("v2/coros/sport/list", sport_list, name="coros-sport-list"),
]
