"""Fault switches: make one sandbox athlete's provider APIs misbehave on purpose.

Switches live in the database (models.Fault), are set from the control page
(/sandbox/) and apply to every provider's API calls for that athlete, so each error
path of sync and the dashboard can be seen. Rate-limit answers carry the headers the
real provider sends (Strava §2.6, Wahoo §6.6, Retry-After elsewhere).
"""

import time

from django.http import HttpResponse, JsonResponse

from .models import Fault

Kind = Fault.Kind
SLOW_SECONDS = 3.0
MAX_SLOW_SECONDS = 10.0  # bounded: a slow sandbox must never hang a worker
RETRY_AFTER_S = 60


def active(athlete_id):
    return set(
        Fault.objects.filter(athlete_id=athlete_id).values_list("kind", flat=True)
    )


def set_fault(athlete_id, kind, on):
    if on:
        Fault.objects.get_or_create(athlete_id=athlete_id, kind=kind)
    else:
        Fault.objects.filter(athlete_id=athlete_id, kind=kind).delete()


def rate_limit_headers(slug):
    if slug == "strava":
        # 15-minute and daily windows, both spent (§2.6).
        return {
            "X-RateLimit-Limit": "200,2000",
            "X-RateLimit-Usage": "201,843",
            "X-ReadRateLimit-Limit": "100,1000",
            "X-ReadRateLimit-Usage": "101,512",
        }
    if slug == "wahoo":
        # day, hour, 5 minutes; reset in seconds (§6.6).
        return {
            "X-RateLimit-Limit": "5000, 1000, 200",
            "X-RateLimit-Remaining": "4210, 611, 0",
            "X-RateLimit-Reset": str(RETRY_AFTER_S),
        }
    return {"Retry-After": str(RETRY_AFTER_S)}


def _rate_limited(slug):
    response = JsonResponse({"message": "Rate Limit Exceeded"}, status=429)
    for name, value in rate_limit_headers(slug).items():
        response[name] = value
    return response


def response_for(slug, athlete_id, page=1):
    """The faulty answer this API call should get, or None to answer normally.

    `page` is the 1-based page of a paged listing; the mid-sync switch fails page 2.
    """
    kinds = active(athlete_id)
    if not kinds:
        return None
    if Kind.SLOW in kinds:
        time.sleep(min(SLOW_SECONDS, MAX_SLOW_SECONDS))
    if Kind.REVOKED in kinds:
        return JsonResponse(
            {"message": "Authorization Error", "error": "invalid_token"}, status=401
        )
    if Kind.RATE_LIMITED in kinds:
        return _rate_limited(slug)
    if Kind.SERVER_ERROR in kinds or (Kind.MID_SYNC in kinds and page == 2):
        return JsonResponse({"message": "Internal Server Error"}, status=500)
    if Kind.MALFORMED in kinds:
        return HttpResponse('{"truncated": [{"id": 1,', content_type="application/json")
    return None
