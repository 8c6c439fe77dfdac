"""Sandbox activity detail data: every provider's time series of its sessions, in
that provider's shape (stream_series.py makes the series, stream_files.py the files).

- Strava: GET api/v3/activities/{id}/streams?keys=...&key_by_type=true (a StreamSet;
  the list form without key_by_type);
- Garmin: GET wellness-api/rest/activityDetails over an upload window of <= 24 h
  (details with `samples`, `summaryId` = the activity's + "-detail");
- Polar: GET v3/exercises/{id}/fit, /tcx and /gpx (GPX only with a route);
- COROS: the workout's `fitUrl`, and Wahoo: the summary's `file.url`, both
  pre-signed: the signature in the URL is the only credential (file_url below);
- Google Health: GET v4/users/me/dataTypes/exercise/dataPoints/{id}:exportExerciseTcx
  with alt=media, which needs the location scope besides the activity one.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from . import coros, data, fitbit, garmin, polar, strava, wahoo
from .base import api_view
from .models import PolarRegistration
from .stream_files import fit_file, gpx_file, tcx_file
from .stream_links import signed_session
from .stream_series import find_session, series_for

FIT_TYPE = "application/octet-stream"
LOCATION_SCOPE = "https://www.googleapis.com/auth/googlehealth.location.readonly"
STRAVA_TYPES = {
    "time": "time_s",
    "distance": "distance_m",
    "altitude": "altitude_m",
    "heartrate": "heartrate_bpm",
    "velocity_smooth": "speed_m_s",
    "cadence": "cadence_rpm",
    "watts": "power_w",
}


def _fit_response(session):
    return HttpResponse(fit_file(session), content_type=FIT_TYPE)


# -- Strava ---------------------------------------------------------------------


def _strava_stream(values, size):
    return {
        "data": list(values),
        "series_type": "distance",
        "original_size": size,
        "resolution": "high",
    }


def strava_stream_set(series, keys):
    """{type: stream} for the requested keys the session recorded."""
    found = {}
    for key in keys:
        if key == "latlng" and series.latitude is not None:
            pairs = [
                [a, b] for a, b in zip(series.latitude, series.longitude, strict=True)
            ]
            found[key] = _strava_stream(pairs, len(series))
        elif getattr(series, STRAVA_TYPES.get(key, "-"), None) is not None:
            found[key] = _strava_stream(getattr(series, STRAVA_TYPES[key]), len(series))
    return found


@require_GET
@api_view(strava.SLUG)
def strava_streams(request, athlete, grant, activity_id):
    if not {"activity:read", "activity:read_all"} & set(grant["s"]):
        return JsonResponse({"message": "Authorization Error"}, status=401)
    session = find_session(
        athlete,
        strava.SLUG,
        lambda s: strava.activity_json(s, athlete)["id"] == activity_id,
    )
    if session is None:
        return JsonResponse({"message": "Record Not Found"}, status=404)
    keys = [k for k in request.GET.get("keys", "").split(",") if k] or ["time"]
    found = strava_stream_set(series_for(session), keys)
    if request.GET.get("key_by_type") == "true":
        return JsonResponse(found)
    return JsonResponse([{"type": k, **v} for k, v in found.items()], safe=False)


# -- Garmin ---------------------------------------------------------------------


def garmin_samples(session):
    series, start = series_for(session), int(session.start.timestamp())
    samples = []
    for i, t in enumerate(series.time_s):
        sample = {
            "startTimeInSeconds": start + t,
            "heartRate": series.heartrate_bpm[i],
            "timerDurationInSeconds": t,
            "clockDurationInSeconds": t,
        }
        if series.latitude is not None:
            sample["latitudeInDegree"] = series.latitude[i]
            sample["longitudeInDegree"] = series.longitude[i]
            sample["elevationInMeters"] = series.altitude_m[i]
        if series.distance_m is not None:
            sample["speedMetersPerSecond"] = series.speed_m_s[i]
            sample["totalDistanceInMeters"] = series.distance_m[i]
            if session.sport == "ride":
                sample["bikeCadenceInRPM"] = series.cadence_rpm[i]
                sample["powerInWatts"] = series.power_w[i]
            elif session.sport != "swim":
                sample["stepsPerMinute"] = series.cadence_rpm[i] * 2  # both feet
        samples.append(sample)
    return samples


def garmin_detail(session, athlete):
    summary = garmin.summary_json(session, athlete)
    return {
        "userId": summary["userId"],
        "summaryId": f"{summary['summaryId']}-detail",
        "activityId": summary["activityId"],
        "summary": summary,
        "samples": garmin_samples(session),
    }


@require_GET
@api_view(garmin.SLUG, refused_status=garmin.INVALID_TOKEN)
def garmin_activity_details(request, athlete, grant):
    if "ACTIVITY_EXPORT" not in grant["s"]:
        return JsonResponse({"errorMessage": "ACTIVITY_EXPORT not granted"}, status=412)
    window, problem = garmin._seconds_range(
        request,
        "uploadStartTimeInSeconds",
        "uploadEndTimeInSeconds",
        garmin.MAX_PULL_WINDOW,
    )
    if problem:
        return JsonResponse({"errorMessage": problem}, status=400)
    found = [
        garmin_detail(s, athlete)
        for s in data.visible_sessions(athlete, garmin.SLUG)
        if window[0] <= s.uploaded_at.timestamp() < window[1]
    ]
    return JsonResponse(found, safe=False)


# -- Polar ----------------------------------------------------------------------

POLAR_FILES = {
    "fit": (fit_file, FIT_TYPE),
    "tcx": (tcx_file, "application/vnd.garmin.tcx+xml"),
}
POLAR_FILES["gpx"] = (gpx_file, "application/gpx+xml")


@require_GET
@api_view(polar.SLUG)
def polar_exercise_file(request, athlete, grant, exercise_id, kind):
    if not PolarRegistration.objects.filter(athlete_id=athlete.id).exists():
        return JsonResponse({"message": "User not registered"}, status=403)
    session = find_session(
        athlete,
        polar.SLUG,
        lambda s: polar.exercise_json(s, athlete)["id"] == exercise_id,
    )
    make, content_type = POLAR_FILES[kind]
    content = make(session) if session is not None else None
    if content is None:
        return HttpResponse(status=404)
    return HttpResponse(content, content_type=content_type)


# -- COROS and Wahoo: pre-signed file URLs ----------------------------------------


@require_GET
def coros_fit(request, label):
    session = signed_session(request)
    if session is None or coros.label_of(session) != label:
        raise Http404("no such file")
    return _fit_response(session)


@require_GET
def wahoo_fit(request, number):
    session = signed_session(request)
    if session is None or wahoo.number_of(session) != number:
        raise Http404("no such file")
    return _fit_response(session)


# -- Google Health ----------------------------------------------------------------


@require_GET
@api_view(fitbit.SLUG)
def fitbit_exercise_tcx(request, athlete, grant, point_id):
    if not {fitbit.SCOPE, LOCATION_SCOPE} <= set(grant["s"]):
        return JsonResponse(
            {"error": {"code": 403, "status": "PERMISSION_DENIED"}}, status=403
        )
    if request.GET.get("alt") != "media":
        return JsonResponse({"tcxData": "(sandbox: ask with alt=media)"})
    session = find_session(
        athlete,
        fitbit.SLUG,
        lambda s: fitbit.data_point_json(s, athlete)["name"].endswith(f"/{point_id}"),
    )
    if session is None:
        return JsonResponse({"error": {"code": 404, "status": "NOT_FOUND"}}, status=404)
    return HttpResponse(
        tcx_file(session), content_type="application/vnd.garmin.tcx+xml"
    )


strava_urlpatterns = [
    path(
        "api/v3/activities/<int:activity_id>/streams",
        strava_streams,
        name="strava-streams",
    ),
]
garmin_urlpatterns = [
    path(
        "wellness-api/rest/activityDetails",
        garmin_activity_details,
        name="garmin-activity-details",
    ),
]
polar_urlpatterns = [
    path(
        f"v3/exercises/<str:exercise_id>/{kind}",
        polar_exercise_file,
        {"kind": kind},
        name=f"polar-exercise-{kind}",
    )
    for kind in POLAR_FILES
]
coros_urlpatterns = [path("fit/<str:label>.fit", coros_fit, name="coros-fit")]
wahoo_urlpatterns = [path("files/<int:number>.fit", wahoo_fit, name="wahoo-fit")]
fitbit_urlpatterns = [
    path(
        "v4/users/me/dataTypes/exercise/dataPoints/<str:point_id>:exportExerciseTcx",
        fitbit_exercise_tcx,
        name="fitbit-exercise-tcx",
    ),
]
