"""Garmin Connect Developer Program (Health / Activity API): providers.md §3.

Docs (partner-gated): https://developerportal.garmin.com/ ("OAuth2.0 PKCE
Specification", "Developer Start Guide v1.1.0", "Activity API v1.2.3").

Quirks kept here:
- OAuth 2.0 with mandatory PKCE S256, client_secret in the form body and no scope
  parameter: the user ticks data permissions on Garmin's consent screen (§3.1);
- the token `scope` is a fixed partner string, so the permissions that matter
  (`ACTIVITY_EXPORT`) come from GET /user/permissions. `granted_scopes` asks for them
  at connect, which is what `missing_scopes` checks (§3.1, §3.4);
- the token response names no user: `fetch_account` reads GET /user/id (§3.4);
- every refresh returns a new refresh token and Garmin wants refreshing at least 600 s
  before expiry (§3.2); the base refresh already returns both tokens;
- Garmin is push-first. Pulling is by UPLOAD time, in windows of at most 24 h, in
  seconds (§3.5); history before the connection comes only through an asynchronous
  backfill whose data arrives later by push (202; 409 = already requested);
- a ping's `callbackURL` is fetched exactly as given (it carries a pull `token`), and
  only when it points at the configured API host (§3.7): a forged ping must not make
  us send a bearer token elsewhere;
- planned workouts go through the Training API (workout, then schedule), with the
  WORKOUT_IMPORT permission: payloads and sources in garmin_workouts.py;
- activity samples (analytics) are pulled from activityDetails: garmin_streams.py.
"""

from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json, raise_for_provider_status
from ..sports import SportType
from .base import (
    AccountInfo,
    ActivityData,
    OAuth2Backend,
    epoch_to_datetime,
    payload_number,
)
from .garmin_streams import GarminActivityDetails
from .garmin_workouts import GarminTrainingApi

PULL_WINDOW = 24 * 3600  # §3.5: larger upload ranges are refused (seconds)
BACKFILL_RANGE = 30 * 86400  # §3.5: Activity API v1.2.3 maximum per request

SPORTS = {
    "RUNNING": SportType.RUN,
    "STREET_RUNNING": SportType.RUN,
    "TRACK_RUNNING": SportType.RUN,
    "TRAIL_RUNNING": SportType.TRAIL_RUN,
    "TREADMILL_RUNNING": SportType.TREADMILL_RUN,
    "INDOOR_RUNNING": SportType.TREADMILL_RUN,
    "VIRTUAL_RUN": SportType.TREADMILL_RUN,
    "WALKING": SportType.WALK,
    "INDOOR_WALKING": SportType.WALK,
    "HIKING": SportType.HIKE,
    "CYCLING": SportType.RIDE,
    "ROAD_BIKING": SportType.RIDE,
    "MOUNTAIN_BIKING": SportType.MOUNTAIN_BIKE_RIDE,
    "GRAVEL_CYCLING": SportType.GRAVEL_RIDE,
    "CYCLOCROSS": SportType.GRAVEL_RIDE,
    "INDOOR_CYCLING": SportType.VIRTUAL_RIDE,
    "VIRTUAL_RIDE": SportType.VIRTUAL_RIDE,
    "E_BIKE_FITNESS": SportType.EBIKE_RIDE,
    "E_BIKE_MOUNTAIN": SportType.EBIKE_RIDE,
    "LAP_SWIMMING": SportType.SWIM,
    "OPEN_WATER_SWIMMING": SportType.OPEN_WATER_SWIM,
    "ROWING": SportType.ROWING,
    "INDOOR_ROWING": SportType.INDOOR_ROWING,
    "STRENGTH_TRAINING": SportType.STRENGTH,
    "YOGA": SportType.YOGA,
    "HIIT": SportType.HIIT,
    "ELLIPTICAL": SportType.ELLIPTICAL,
    "CROSS_COUNTRY_SKIING_WS": SportType.CROSS_COUNTRY_SKI,
    "SKATE_SKIING_WS": SportType.CROSS_COUNTRY_SKI,
    "RESORT_SKIING_SNOWBOARDING_WS": SportType.ALPINE_SKI,
    "MULTI_SPORT": SportType.MULTISPORT,
    "FITNESS_EQUIPMENT": SportType.WORKOUT,
    "INDOOR_CARDIO": SportType.WORKOUT,
}


def sport_for(activity_type):
    """Our sport for a Garmin activityType; `_V2` variants map like their base."""
    name = str(activity_type or "").upper().removesuffix("_V2")
    return SPORTS.get(name, SportType.OTHER)


def _windows(start, end, size):
    """Consecutive (from, to) epoch-second ranges of at most `size` seconds."""
    start, end = int(start.timestamp()), int(end.timestamp())
    while start < end:
        stop = min(start + size, end)
        yield start, stop
        start = stop


def upload_windows(since, now):
    """Epoch-second upload windows of at most 24 h, oldest first; None: last day."""
    return list(
        _windows(since or now - timedelta(seconds=PULL_WINDOW), now, PULL_WINDOW)
    )


_number = partial(payload_number, what="garmin activity")


class GarminBackend(GarminActivityDetails, GarminTrainingApi, OAuth2Backend):
    slug = "garmin"
    name = "Garmin"
    docs_section = "providers.md §3"
    scopes = ()
    required_scopes = ("ACTIVITY_EXPORT",)
    scope_separator = " "
    uses_pkce = True
    client_auth = "body"
    authorize_params = {}
    refresh_margin = 600
    # Garmin answers 403 for an unknown or invalidated token (providers.md §3.5).
    reauth_statuses = (401, 403)
    # How much history a first sync asks Garmin to push (three 30-day backfills).
    backfill_days = 90

    def _get(self, http, path, credentials, params=None):
        response = http.get(
            f"{self.api_url}/wellness-api/rest/{path}",
            params=params,
            headers=self.api_headers(credentials),
        )
        return parse_json(response, self.slug)

    def fetch_permissions(self, credentials):
        """The data permissions the user granted (ACTIVITY_EXPORT, HEALTH_EXPORT…)."""
        permissions = self._get(self.session(), "user/permissions", credentials)
        if not isinstance(permissions, list):
            raise ProviderError("garmin: /user/permissions did not answer a list")
        return [str(p) for p in permissions]

    def granted_scopes(self, callback_params, token):
        # The token's `scope` is the same fixed partner string for everyone; what the
        # user allowed on the consent screen is only visible through this call.
        return self.fetch_permissions(token.credentials())

    def fetch_account(self, credentials):
        body = self._get(self.session(), "user/id", credentials)
        if not isinstance(body, dict) or not body.get("userId"):
            raise ProviderError("garmin: /user/id answered without a userId")
        permissions = self.fetch_permissions(credentials)
        profile = {"userId": str(body["userId"]), "permissions": permissions}
        return AccountInfo(profile["userId"], profile, scopes=permissions)

    def revoke(self, credentials):
        # Deregistering also stops Garmin's pushes for this user (§3.3).
        self.session().delete(
            self.revoke_endpoint, headers=self.api_headers(credentials)
        )

    def request_backfill(self, http, credentials, start, end):
        """Ask Garmin to push activities that started between `start` and `end`.

        One request per 30-day range. 202 means accepted; 409 means that range was
        already requested, which is just as good. Other failures raise.
        """
        for low, high in _windows(start, end, BACKFILL_RANGE):
            response = http.get(
                f"{self.api_url}/wellness-api/rest/backfill/activities",
                params={
                    "summaryStartTimeInSeconds": low,
                    "summaryEndTimeInSeconds": high,
                },
                headers=self.api_headers(credentials),
                check=False,
            )
            if response.status_code != 409:
                raise_for_provider_status(response, self.slug, self.reauth_statuses)

    def iter_activities(self, http, credentials, since, now=None):
        now = now or datetime.now(UTC)
        for low, high in upload_windows(since, now):
            items = self._get(
                http,
                "activities",
                credentials,
                params={
                    "uploadStartTimeInSeconds": low,
                    "uploadEndTimeInSeconds": high,
                },
            )
            if not isinstance(items, list):
                raise TransientProviderError(
                    "garmin: activity window is not a list",
                    user_message=garbled("Garmin"),
                )
            if items:
                yield items
        if since is None:
            # Pulled data comes first; the history arrives later by push.
            start = now - timedelta(days=self.backfill_days)
            self.request_backfill(http, credentials, start, now)

    def is_callback_url(self, url):
        """True when `url` is on the configured Garmin API host (scheme included)."""
        ours, theirs = urlsplit(self.api_url), urlsplit(str(url or ""))
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)

    def fetch_callback(self, http, credentials, url):
        """The summaries behind one ping's `callbackURL`, fetched as given (§3.5)."""
        if not self.is_callback_url(url):
            raise ProviderError("garmin: ping callbackURL is not on the Garmin host")
        items = parse_json(
            http.get(url, headers=self.api_headers(credentials)), self.slug
        )
        if not isinstance(items, list):
            raise TransientProviderError(
                "garmin: ping callback did not answer a list",
                user_message=garbled("Garmin"),
            )
        return items

    def normalize(self, raw):
        if not isinstance(raw, dict) or raw.get("summaryId") in (None, ""):
            raise MalformedPayloadError("garmin activity: no summaryId")
        summary_id = str(raw["summaryId"])
        try:
            start_time = epoch_to_datetime(raw["startTimeInSeconds"])
        except (KeyError, TypeError, ValueError):
            raise MalformedPayloadError(
                f"garmin activity {summary_id}: no valid startTimeInSeconds"
            ) from None
        return ActivityData(
            provider_activity_id=summary_id,
            sport_type=sport_for(raw.get("activityType")),
            start_time=start_time,
            name=raw.get("activityName"),
            utc_offset_s=_number(raw, "startTimeOffsetInSeconds", int),
            elapsed_time_s=_number(raw, "durationInSeconds", round),
            # Summaries carry no moving time; only activity details do (§3.5).
            moving_time_s=None,
            distance_m=_number(raw, "distanceInMeters"),
            elevation_gain_m=_number(raw, "totalElevationGainInMeters"),
            avg_hr_bpm=_number(raw, "averageHeartRateInBeatsPerMinute"),
            max_hr_bpm=_number(raw, "maxHeartRateInBeatsPerMinute"),
            calories_kcal=_number(raw, "activeKilocalories"),
            device_name=raw.get("deviceName"),
            activity_data=raw,
        )
