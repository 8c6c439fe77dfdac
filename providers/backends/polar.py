"""Polar Open AccessLink API v3: providers.md §4.

Docs: https://www.polar.com/accesslink-api/ and
https://github.com/polarofficial/accesslink-example-python

Quirks kept here:
- HTTP Basic client auth at the token endpoint; scope `accesslink.read_all` (§4.1);
- the token response carries `x_user_id`, a Polar id past 32 bits, kept as a string,
  and no refresh token: `refresh` asks the athlete to reconnect (§4.2);
- the user must be registered (POST /v3/users) before any data or profile exists;
  409 means already registered (§4.3). The connect flow calls `fetch_account` before
  `after_connect`, so `fetch_account` accepts the 403/404 of a not-yet-registered
  user and returns an empty profile; a bad token still fails at registration;
- GET /v3/exercises lists what reached Flow in the last 30 days, without paging or
  date parameters (§4.5): filtering by `since` and de-duplicating happen here;
- `start_time` is local wall time with the offset in minutes beside it, and
  `duration` is an ISO-8601 duration (§4.5);
- an EXERCISE webhook names the exercise only (§4.7): `fetch_activity` reads it;
- activity streams (analytics) come from the exercise's FIT file: polar_streams.py.
"""

import re
from datetime import UTC, datetime, timedelta
from functools import partial

from django.utils.translation import gettext_noop

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    ReauthRequiredError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json, raise_for_provider_status
from ..sports import SportType
from .base import AccountInfo, ActivityData, OAuth2Backend, payload_number
from .polar_streams import PolarExerciseFiles

NO_RENEWAL = gettext_noop(
    "Polar does not let us renew access on our own. Reconnect Polar to resume syncing."
)
# Polar's sport names; `detailed_sport_info` is looked up first, then `sport`.
SPORTS = {
    "RUNNING": SportType.RUN,
    "ROAD_RUNNING": SportType.RUN,
    "TRACK_AND_FIELD_RUNNING": SportType.RUN,
    "TRAIL_RUNNING": SportType.TRAIL_RUN,
    "TREADMILL_RUNNING": SportType.TREADMILL_RUN,
    "WALKING": SportType.WALK,
    "NORDIC_WALKING": SportType.WALK,
    "HIKING": SportType.HIKE,
    "CYCLING": SportType.RIDE,
    "ROAD_BIKING": SportType.RIDE,
    "MOUNTAIN_BIKING": SportType.MOUNTAIN_BIKE_RIDE,
    "GRAVEL_BIKING": SportType.GRAVEL_RIDE,
    "INDOOR_CYCLING": SportType.VIRTUAL_RIDE,
    "E_BIKE": SportType.EBIKE_RIDE,
    "SWIMMING": SportType.SWIM,
    "POOL_SWIMMING": SportType.SWIM,
    "OPEN_WATER_SWIMMING": SportType.OPEN_WATER_SWIM,
    "ROWING": SportType.ROWING,
    "INDOOR_ROWING": SportType.INDOOR_ROWING,
    "STRENGTH_TRAINING": SportType.STRENGTH,
    "YOGA": SportType.YOGA,
    "CROSS-COUNTRY_SKIING": SportType.CROSS_COUNTRY_SKI,
    "DOWNHILL_SKIING": SportType.ALPINE_SKI,
    "TRIATHLON": SportType.MULTISPORT,
    "MULTISPORT_TRIATHLON": SportType.MULTISPORT,
    "MULTISPORT": SportType.MULTISPORT,
}

ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(value):
    """Seconds in an ISO-8601 duration such as `PT1H2M3.5S`; None when absent."""
    if value in (None, ""):
        return None
    match = ISO_DURATION.match(str(value))
    if not match or not any(match.groupdict().values()):
        raise MalformedPayloadError(f"polar exercise: bad duration {value!r}")
    parts = {k: float(v or 0) for k, v in match.groupdict().items()}
    return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]


def start_of(raw):
    """UTC start and offset in seconds, from local `start_time` + offset minutes.

    Without the offset the wall time cannot be placed in UTC, so it is rejected
    rather than guessed.
    """
    ident = raw.get("id")
    try:
        local = datetime.fromisoformat(raw["start_time"])
    except (KeyError, TypeError, ValueError):
        raise MalformedPayloadError(f"polar exercise {ident}: no start_time") from None
    if local.tzinfo is not None:
        return local.astimezone(UTC), int(local.utcoffset().total_seconds())
    try:
        offset_s = int(raw["start_time_utc_offset"]) * 60
    except (KeyError, TypeError, ValueError):
        raise MalformedPayloadError(
            f"polar exercise {ident}: no start_time_utc_offset"
        ) from None
    return (local - timedelta(seconds=offset_s)).replace(tzinfo=UTC), offset_s


def sport_for(raw):
    for key in ("detailed_sport_info", "sport"):
        sport = SPORTS.get(str(raw.get(key) or "").upper())
        if sport:
            return sport
    return SportType.OTHER


def _uploaded_at(raw):
    try:
        return datetime.fromisoformat(raw["upload_time"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None


_number = partial(payload_number, what="polar exercise")


class PolarBackend(PolarExerciseFiles, OAuth2Backend):
    slug = "polar"
    name = "Polar"
    docs_section = "providers.md §4"
    scopes = ("accesslink.read_all",)
    required_scopes = ()
    scope_separator = " "
    uses_pkce = False
    client_auth = "basic"
    authorize_params = {}
    reauth_statuses = (401, 403)

    def provider_user_id_from_token(self, data):
        return data.get("x_user_id")

    def _user_url(self, credentials):
        if not credentials.provider_user_id:
            raise ProviderError("polar: no x_user_id for this connection")
        return f"{self.api_url}/v3/users/{credentials.provider_user_id}"

    def fetch_account(self, credentials):
        response = self.session().get(
            self._user_url(credentials),
            headers=self.api_headers(credentials),
            check=False,
        )
        if response.status_code in (403, 404):
            # Not registered yet: after_connect registers; the id is the token's.
            return AccountInfo(credentials.provider_user_id, {})
        raise_for_provider_status(response, self.slug, self.reauth_statuses)
        profile = parse_json(response, self.slug)
        return AccountInfo(
            credentials.provider_user_id, profile if isinstance(profile, dict) else {}
        )

    def after_connect(self, credentials, account, user):
        """Register the user with our client; returns Polar's user JSON, or None
        when the user was already registered (409)."""
        response = self.session().post(
            f"{self.api_url}/v3/users",
            json={"member-id": str(user.pk)},
            headers=self.api_headers(credentials),
            check=False,
        )
        if response.status_code == 409:
            return None
        raise_for_provider_status(response, self.slug, self.reauth_statuses)
        # Success is the status; an empty body is no reason to fail the connect.
        return parse_json(response, self.slug) if response.content else {}

    def refresh(self, credentials):
        raise ReauthRequiredError(
            "polar: tokens cannot be refreshed",
            user_message=NO_RENEWAL,
        )

    def revoke(self, credentials):
        # Deleting the registration also revokes the token (§4.4).
        self.session().delete(
            f"{self.revoke_endpoint.rstrip('/')}/{credentials.provider_user_id}",
            headers=self.api_headers(credentials),
        )

    def iter_activities(self, http, credentials, since):
        response = http.get(
            f"{self.api_url}/v3/exercises", headers=self.api_headers(credentials)
        )
        items = parse_json(response, self.slug)
        if not isinstance(items, list):
            raise TransientProviderError(
                "polar: exercise list is not a list",
                user_message=garbled("Polar"),
            )
        page = self._recent_unique(items, since)
        if page:
            yield page

    def fetch_activity(self, http, credentials, activity_id):
        """One exercise, for an EXERCISE webhook's `entity_id` (§4.7)."""
        response = http.get(
            f"{self.api_url}/v3/exercises/{activity_id}",
            headers=self.api_headers(credentials),
        )
        exercise = parse_json(response, self.slug)
        if not isinstance(exercise, dict):
            raise MalformedPayloadError("polar exercise: detail is not an object")
        return exercise

    @staticmethod
    def _recent_unique(items, since):
        """Items uploaded since `since`, once per id.

        Upload time, not start time, decides: a watch synced late still brings new
        exercises. Items without a readable upload time are kept for normalize to
        judge (and sync to count).
        """
        seen, kept = set(), []
        for item in items:
            key = item.get("id") if isinstance(item, dict) else None
            if key is not None and key in seen:
                continue
            seen.add(key)
            uploaded = _uploaded_at(item) if isinstance(item, dict) else None
            if since and uploaded and uploaded < since:
                continue
            kept.append(item)
        return kept

    def normalize(self, raw):
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise MalformedPayloadError("polar exercise: no id")
        start_time, offset_s = start_of(raw)
        duration = parse_duration(raw.get("duration"))
        heart_rate = raw.get("heart_rate") or {}
        return ActivityData(
            provider_activity_id=str(raw["id"]),
            sport_type=sport_for(raw),
            start_time=start_time,
            utc_offset_s=offset_s,
            elapsed_time_s=round(duration) if duration is not None else None,
            distance_m=_number(raw, "distance"),
            avg_hr_bpm=_number(heart_rate, "average"),
            max_hr_bpm=_number(heart_rate, "maximum"),
            calories_kcal=_number(raw, "calories"),
            device_name=raw.get("device"),
            activity_data=raw,
        )
