"""Strava (API v3): providers.md §2.

Docs: https://developers.strava.com/docs/authentication/ and
https://developers.strava.com/docs/reference/

Quirks kept here:
- scopes are comma-separated, and the scopes the athlete actually ticked come back on
  the redirect (`scope` query parameter), not in the token response (§2.1);
- the token response carries a summary `athlete`, which Strava's own client libraries
  call undocumented; `fetch_account` therefore reads GET /athlete, the documented
  profile endpoint (§2.4), at the cost of one request per connect;
- sync needs `activity:read` (or `activity:read_all`, which implies it). An athlete who
  unticks "private activities" still syncs everything but "Only You" activities (§2.5);
- refresh tokens rotate and the old one dies at once (§2.2): the base refresh returns
  the new one and tokens.py saves it under the row lock;
- `start_date_local` is local wall time wrongly suffixed with "Z" (§2.5);
- webhook events carry only ids (§2.7): `fetch_activity` reads the DetailedActivity;
- activity streams (analytics): strava_streams.py.
"""

from datetime import UTC, datetime
from functools import partial

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json
from ..sports import SportType
from .base import AccountInfo, ActivityData, OAuth2Backend, payload_number, split_scopes
from .strava_streams import StravaStreams

SPORTS = {
    "Run": SportType.RUN,
    "TrailRun": SportType.TRAIL_RUN,
    "VirtualRun": SportType.TREADMILL_RUN,
    "Walk": SportType.WALK,
    "Hike": SportType.HIKE,
    "Ride": SportType.RIDE,
    "MountainBikeRide": SportType.MOUNTAIN_BIKE_RIDE,
    "GravelRide": SportType.GRAVEL_RIDE,
    "VirtualRide": SportType.VIRTUAL_RIDE,
    "EBikeRide": SportType.EBIKE_RIDE,
    "EMountainBikeRide": SportType.EBIKE_RIDE,
    "Swim": SportType.SWIM,
    "Rowing": SportType.ROWING,
    "VirtualRow": SportType.INDOOR_ROWING,
    "WeightTraining": SportType.STRENGTH,
    "Yoga": SportType.YOGA,
    "HighIntensityIntervalTraining": SportType.HIIT,
    "Crossfit": SportType.HIIT,
    "Elliptical": SportType.ELLIPTICAL,
    "NordicSki": SportType.CROSS_COUNTRY_SKI,
    "BackcountrySki": SportType.CROSS_COUNTRY_SKI,
    "AlpineSki": SportType.ALPINE_SKI,
    "Workout": SportType.WORKOUT,
}

# Granting the wider scope implies the narrower one, though Strava reports only one.
IMPLIED_SCOPES = {"activity:read_all": {"activity:read"}, "read_all": {"read"}}


def _parse_time(value, field):
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedPayloadError(f"strava activity: bad {field} {value!r}") from None
    return parsed


_number = partial(payload_number, what="strava activity")


def _utc_offset(raw, start_time):
    """Seconds east of UTC at the start, from the two start times.

    The difference between local wall time and UTC is exact for that moment (DST
    included); `utc_offset` is the fallback when `start_date_local` is missing.
    """
    local = raw.get("start_date_local")
    if local:
        naive_local = _parse_time(local, "start_date_local").replace(tzinfo=None)
        naive_utc = start_time.astimezone(UTC).replace(tzinfo=None)
        return int((naive_local - naive_utc).total_seconds())
    return _number(raw, "utc_offset", int)


def normalize_strava_activity(raw: dict) -> ActivityData:
    """ActivityData from a Strava Summary- or DetailedActivity (pure).

    Also used by the legacy Strava import, so both normalise identically.
    """
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise MalformedPayloadError("strava activity: no id")
    if not raw.get("start_date"):
        raise MalformedPayloadError(f"strava activity {raw['id']}: no start_date")
    start_time = _parse_time(raw["start_date"], "start_date").astimezone(UTC)
    sport = raw.get("sport_type") or raw.get("type") or ""
    # Strava omits heart rate fields when there was no monitor; be explicit anyway.
    has_hr = raw.get("has_heartrate", True) is not False
    return ActivityData(
        provider_activity_id=str(raw["id"]),
        sport_type=SPORTS.get(sport, SportType.OTHER),
        start_time=start_time,
        name=raw.get("name"),
        utc_offset_s=_utc_offset(raw, start_time),
        elapsed_time_s=_number(raw, "elapsed_time", int),
        moving_time_s=_number(raw, "moving_time", int),
        # Strava's 0 for "no distance" (yoga, time-only manual entries) and "no
        # calorie estimate" becomes None by ActivityData's rule on missing values.
        distance_m=_number(raw, "distance"),
        elevation_gain_m=_number(raw, "total_elevation_gain"),
        avg_hr_bpm=_number(raw, "average_heartrate") if has_hr else None,
        max_hr_bpm=_number(raw, "max_heartrate") if has_hr else None,
        # Only DetailedActivity has these (GET /activities/{id}).
        calories_kcal=_number(raw, "calories"),
        device_name=raw.get("device_name"),
        activity_data=raw,
    )


class StravaBackend(StravaStreams, OAuth2Backend):
    slug = "strava"
    name = "Strava"
    docs_section = "providers.md §2"
    scopes = ("read", "activity:read_all")
    required_scopes = ("activity:read",)
    scope_separator = ","
    uses_pkce = False
    client_auth = "body"
    authorize_params = {"approval_prompt": "auto"}
    per_page = 200  # Strava's maximum

    def provider_user_id_from_token(self, data):
        athlete = data.get("athlete") or {}
        return athlete.get("id")

    def granted_scopes(self, callback_params, token):
        # Strava reports the athlete's choice only on the redirect; no `scope` there
        # means nothing we can rely on was granted.
        return split_scopes(callback_params.get("scope"))

    def missing_scopes(self, granted):
        held = set(granted)
        for scope in granted:
            held |= IMPLIED_SCOPES.get(scope, set())
        return [scope for scope in self.required_scopes if scope not in held]

    def fetch_account(self, credentials):
        response = self.session().get(
            f"{self.api_url}/athlete", headers=self.api_headers(credentials)
        )
        athlete = parse_json(response, self.slug)
        if not isinstance(athlete, dict) or not athlete.get("id"):
            raise ProviderError("strava: /athlete answered without an athlete id")
        return AccountInfo(provider_user_id=str(athlete["id"]), profile=athlete)

    def revoke(self, credentials):
        # Deauthorizing invalidates every token Strava issued us for this athlete.
        self.session().post(
            self.revoke_endpoint, data={"access_token": credentials.access_token}
        )

    def iter_activities(self, http, credentials, since):
        # A fixed upper bound keeps the pages stable while new uploads arrive.
        params = {
            "after": int(since.timestamp()) if since else 0,
            "before": int(datetime.now(UTC).timestamp()),
            "per_page": self.per_page,
        }
        page = 1
        while True:
            response = http.get(
                f"{self.api_url}/athlete/activities",
                params={**params, "page": page},
                headers=self.api_headers(credentials),
            )
            items = parse_json(response, self.slug)
            if not isinstance(items, list):
                raise TransientProviderError(
                    "strava: activity page is not a list",
                    user_message=garbled("Strava"),
                )
            if items:
                yield items
            if len(items) < self.per_page:
                return
            page += 1

    def fetch_activity(self, http, credentials, activity_id):
        """One DetailedActivity, for a webhook create/update event (§2.5, §2.7)."""
        response = http.get(
            f"{self.api_url}/activities/{activity_id}",
            headers=self.api_headers(credentials),
        )
        activity = parse_json(response, self.slug)
        if not isinstance(activity, dict):
            raise MalformedPayloadError("strava activity: detail is not an object")
        return activity

    def normalize(self, raw):
        return normalize_strava_activity(raw)
