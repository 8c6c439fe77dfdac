"""Fitbit, on the Google Health API: providers.md §7.

The legacy Fitbit Web API was switched off in November 2026 (§7.1); athletes still know
the service as Fitbit. Docs: https://developers.google.com/health and
https://developers.google.com/identity/protocols/oauth2/web-server

Quirks kept here:
- Google OAuth issues a refresh token only with `access_type=offline`, and on repeat
  consents only with `prompt=consent` (§7.2);
- Google refresh normally returns no new refresh token: the stored one stays (§1);
- the user id comes from GET /v4/users/me/identity (`healthUserId`) (§7.2);
- exercises are data points listed with a filter and page tokens; metrics are in
  millimetres and durations are protobuf strings like "1800s" (§7.3). The data-point
  schema comes from one implementation (§10), so every field is read defensively;
- webhooks (§7.5): with FITBIT_PROJECT_ID and FITBIT_SUBSCRIBER_ID set, connecting
  creates a per-user subscription to `exercise` and revoking deletes it. We name the
  subscription after the healthUserId (`subscriptionId`), so deleting it needs nothing
  stored. Notifications carry time intervals, not ids: `fetch_interval` lists the
  exercises that start inside one;
- activity streams (analytics): the exercise's TCX export, which also needs the
  optional location scope (fitbit_streams.py).
"""

import logging
from datetime import UTC, datetime
from functools import partial

from django.conf import settings

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json
from ..sports import SportType
from .base import AccountInfo, ActivityData, OAuth2Backend, payload_number
from .fitbit_streams import GoogleHealthExerciseTcx

logger = logging.getLogger(__name__)
SCOPE_ACTIVITY = (
    "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"
)
# Optional: only the TCX export of an exercise (its route, fitbit_streams.py) needs it.
SCOPE_LOCATION = "https://www.googleapis.com/auth/googlehealth.location.readonly"

SPORTS = {
    "RUNNING": SportType.RUN,
    "TRAIL_RUNNING": SportType.TRAIL_RUN,
    "TREADMILL_RUNNING": SportType.TREADMILL_RUN,
    "WALKING": SportType.WALK,
    "HIKING": SportType.HIKE,
    "BIKING": SportType.RIDE,
    "MOUNTAIN_BIKING": SportType.MOUNTAIN_BIKE_RIDE,
    "INDOOR_BIKING": SportType.VIRTUAL_RIDE,
    "SWIMMING": SportType.SWIM,
    "OPEN_WATER_SWIMMING": SportType.OPEN_WATER_SWIM,
    "ROWING": SportType.ROWING,
    "ROWING_MACHINE": SportType.INDOOR_ROWING,
    "WEIGHTLIFTING": SportType.STRENGTH,
    "STRENGTH_TRAINING": SportType.STRENGTH,
    "YOGA": SportType.YOGA,
    "HIIT": SportType.HIIT,
    "ELLIPTICAL": SportType.ELLIPTICAL,
    "CROSS_COUNTRY_SKIING": SportType.CROSS_COUNTRY_SKI,
    "SKIING": SportType.ALPINE_SKI,
    "WORKOUT": SportType.WORKOUT,
}


def _time(value, what):
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except (TypeError, ValueError):
        raise MalformedPayloadError(f"fitbit exercise: bad {what} {value!r}") from None


_number = partial(payload_number, what="fitbit exercise")


def _seconds(value, what):
    """A protobuf Duration string ("1800s", "1800.5s") as whole seconds."""
    if value is None or value == "":
        return None
    try:
        return round(float(str(value).removesuffix("s")))
    except ValueError:
        raise MalformedPayloadError(f"fitbit exercise: bad {what} {value!r}") from None


def _millimetres_to_m(data, key):
    value = _number(data, key)
    return None if value is None else value / 1000


def _device_name(raw):
    source = raw.get("dataSource")
    if isinstance(source, dict):
        device = source.get("device") or {}
        return device.get("displayName")
    return source if isinstance(source, str) else None


class FitbitBackend(GoogleHealthExerciseTcx, OAuth2Backend):
    slug = "fitbit"
    name = "Fitbit"
    docs_section = "providers.md §7"
    scopes = (SCOPE_ACTIVITY, SCOPE_LOCATION)
    required_scopes = (SCOPE_ACTIVITY,)
    scope_separator = " "
    uses_pkce = False
    client_auth = "body"
    authorize_params = {
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
    }
    page_size = 100

    def fetch_account(self, credentials):
        url = f"{self.api_url}/v4/users/me/identity"
        response = self.session().get(url, headers=self.api_headers(credentials))
        identity = parse_json(response, self.slug)
        if not isinstance(identity, dict) or not identity.get("healthUserId"):
            raise ProviderError("fitbit: identity answered without a healthUserId")
        return AccountInfo(provider_user_id=identity["healthUserId"], profile=identity)

    def _subscriptions_url(self):
        """Our subscriber's subscription collection; None when webhooks are off."""
        project, subscriber = settings.FITBIT_PROJECT_ID, settings.FITBIT_SUBSCRIBER_ID
        if not (project and subscriber):
            return None
        return (
            f"{self.api_url}/v4/projects/{project}"
            f"/subscribers/{subscriber}/subscriptions"
        )

    def after_connect(self, credentials, account, user):
        """Subscribe to the athlete's exercises (§7.5). Best effort: polling still
        finds everything if Google refuses, so a failure does not fail the connect."""
        url = self._subscriptions_url()
        if url is None:
            return None
        user_id = account.provider_user_id
        try:
            self.session().post(
                url,
                params={"subscriptionId": user_id},
                json={"user": f"users/{user_id}", "dataTypes": ["exercise"]},
                headers=self.api_headers(credentials),
            )
        except ProviderError as exc:
            logger.warning("fitbit: could not subscribe a user to webhooks: %s", exc)
        return None

    def revoke(self, credentials):
        url = self._subscriptions_url()
        if url is not None and credentials.provider_user_id:
            # While the grant still works; 404 (never subscribed) is fine.
            self.session().delete(
                f"{url}/{credentials.provider_user_id}",
                headers=self.api_headers(credentials),
                check=False,
            )
        # Revoking the refresh token ends the whole grant; the access token may
        # already have expired.
        token = credentials.refresh_token or credentials.access_token
        self.session().post(self.revoke_endpoint, data={"token": token})

    def fetch_interval(self, http, credentials, start, end):
        """Exercise data points starting within [start, end] (a notification's
        interval, §7.5), all pages as one list."""
        low, high = (
            t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in (start, end)
        )
        params = {
            "pageSize": self.page_size,
            "filter": f'exercise.interval.start_time >= "{low}" AND '
            f'exercise.interval.start_time <= "{high}"',
        }
        return [
            point for page in self._pages(http, credentials, params) for point in page
        ]

    def iter_activities(self, http, credentials, since):
        params = {"pageSize": self.page_size}
        if since is not None:
            start = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            params["filter"] = f'exercise.interval.start_time >= "{start}"'
        yield from self._pages(http, credentials, params)

    def _pages(self, http, credentials, params):
        while True:
            response = http.get(
                f"{self.api_url}/v4/users/me/dataTypes/exercise/dataPoints",
                params=params,
                headers=self.api_headers(credentials),
            )
            body = parse_json(response, self.slug)
            if not isinstance(body, dict):
                raise TransientProviderError(
                    "fitbit: exercise page is not an object",
                    user_message=garbled("Google"),
                )
            points = body.get("dataPoints") or []
            if points:
                yield points
            if not body.get("nextPageToken"):
                return
            params = {**params, "pageToken": body["nextPageToken"]}

    def normalize(self, raw):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise MalformedPayloadError("fitbit exercise: no name (id)")
        exercise = raw.get("exercise") or {}
        interval = exercise.get("interval") or {}
        if not interval.get("startTime"):
            raise MalformedPayloadError(f"fitbit exercise {raw['name']}: no startTime")
        start_time = _time(interval["startTime"], "startTime")
        elapsed = None
        if interval.get("endTime"):
            end_time = _time(interval["endTime"], "endTime")
            elapsed = round((end_time - start_time).total_seconds())
        offset = interval.get("startUtcOffset", exercise.get("startUtcOffset"))
        metrics = exercise.get("metricsSummary") or {}
        return ActivityData(
            provider_activity_id=raw["name"],
            sport_type=SPORTS.get(exercise.get("exerciseType"), SportType.OTHER),
            start_time=start_time,
            name=exercise.get("displayName"),
            utc_offset_s=_seconds(offset, "startUtcOffset"),
            elapsed_time_s=elapsed,
            moving_time_s=_seconds(exercise.get("activeDuration"), "activeDuration"),
            distance_m=_millimetres_to_m(metrics, "distanceMillimeters"),
            elevation_gain_m=_millimetres_to_m(metrics, "elevationGainMillimeters"),
            avg_hr_bpm=_number(metrics, "averageHeartRateBeatsPerMinute"),
            max_hr_bpm=_number(metrics, "maxHeartRateBeatsPerMinute"),
            calories_kcal=_number(metrics, "caloriesKcal"),
            device_name=_device_name(raw),
            activity_data=raw,
        )
