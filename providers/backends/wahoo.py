"""Wahoo Cloud API: providers.md §6.

Docs: https://cloud-api.wahooligan.com/ and https://developers.wahooligan.com/cloud

Quirks kept here:
- the token response names no user, so `fetch_account` reads GET /v1/user (§6.4);
- refresh tokens are single-use and an app may hold at most 10 unrevoked tokens per
  user; past that, token exchange and refresh fail with a 400 (§6.2), mapped here, in
  `_explain_token_cap`, to TokenCapReachedError with a message saying how to clear it;
- DELETE /v1/permissions revokes every token of the app for the user (§6.3): on
  disconnect, and before a reconnect exchanges its code (`revoke_before_reconnect`,
  providers/connect.py), which is what keeps that cap clear;
- GET /v1/workouts has no date filter and lists newest first (§6.5), so paging stops at
  the first workout older than `since`;
- summary numbers often arrive as strings; there is no max HR or device name (§6.5);
- a `workout_summary` webhook carries the summary with its workout inside (§6.7);
  `workout_from_summary` turns it into the shape `normalize` reads, and
  `fetch_activity` reads the workout when an event lacks it;
- planned workouts go as a plan plus a workout (wahoo_workouts.py: payloads and
  sources), which needs the `plans_write` and `workouts_write` scopes; the workouts
  we planned show up in GET /v1/workouts without a summary, and are not activities;
- activity streams (analytics) come from the summary's `file.url`: wahoo_streams.py.
"""

from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext_noop

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    TokenCapReachedError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json
from ..sports import SportType
from ..workouts import REFERENCE_PREFIX
from .base import AccountInfo, ActivityData, OAuth2Backend, payload_number
from .wahoo_streams import WahooFitFiles
from .wahoo_workouts import WRITE_SCOPES, WahooPlansApi

TOO_MANY_GRANTS_TEXT = "Too many unrevoked access tokens"
CAP_USER_MESSAGE = gettext_noop(
    "Wahoo refused to connect Trainlytics: your Wahoo account holds too many "
    "Trainlytics logins that were never revoked. In the Wahoo app, remove "
    "Trainlytics from the connected apps, then reconnect Wahoo here."
)

# workout_type_id (Wahoo's "Workout Types" table); ids not listed map to OTHER.
SPORTS = {
    0: SportType.RIDE,  # BIKING
    1: SportType.RUN,  # RUNNING
    3: SportType.RUN,  # RUNNING_TRACK
    4: SportType.TRAIL_RUN,  # RUNNING_TRAIL
    5: SportType.TREADMILL_RUN,  # RUNNING_TREADMILL
    6: SportType.WALK,  # WALKING
    7: SportType.WALK,  # WALKING_SPEED
    8: SportType.WALK,  # WALKING_NORDIC
    9: SportType.HIKE,  # HIKING
    10: SportType.HIKE,  # MOUNTAINEERING
    11: SportType.GRAVEL_RIDE,  # BIKING_CYCLECROSS
    12: SportType.VIRTUAL_RIDE,  # BIKING_INDOOR
    13: SportType.MOUNTAIN_BIKE_RIDE,  # BIKING_MOUNTAIN
    15: SportType.RIDE,  # BIKING_ROAD
    19: SportType.TREADMILL_RUN,  # FE_TREADMILL
    20: SportType.ELLIPTICAL,  # FE_ELLIPTICAL
    21: SportType.VIRTUAL_RIDE,  # FE_BIKE
    22: SportType.INDOOR_ROWING,  # FE_ROWER
    25: SportType.SWIM,  # SWIMMING_LAP
    26: SportType.OPEN_WATER_SWIM,  # SWIMMING_OPEN_WATER
    29: SportType.ALPINE_SKI,  # SKIING_DOWNHILL
    30: SportType.CROSS_COUNTRY_SKI,  # SKIING_CROSS_COUNTRY
    39: SportType.ROWING,  # ROWING
    42: SportType.WORKOUT,  # WORKOUT
    49: SportType.VIRTUAL_RIDE,  # BIKING_INDOOR_CYCLING_CLASS
    56: SportType.WALK,  # WALKING_TREADMILL
    61: SportType.VIRTUAL_RIDE,  # BIKING_INDOOR_TRAINER
    62: SportType.MULTISPORT,  # MULTISPORT
    64: SportType.EBIKE_RIDE,  # EBIKING
    66: SportType.YOGA,  # YOGA
    67: SportType.RUN,  # RUNNING_RACE
    68: SportType.VIRTUAL_RIDE,  # BIKING_INDOOR_VIRTUAL
    71: SportType.TREADMILL_RUN,  # RUNNING_INDOOR_VIRTUAL
}


def _parse_starts(raw):
    try:
        return datetime.fromisoformat(raw["starts"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None


_number = partial(payload_number, what="wahoo workout")


def _utc_offset(summary, start_time):
    # Newer summaries name the IANA zone; its offset at the start handles DST.
    try:
        zone = ZoneInfo(summary.get("time_zone") or "")
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return int(start_time.astimezone(zone).utcoffset().total_seconds())


@contextmanager
def _explain_token_cap():
    """Turn Wahoo's token-cap 400 into an error that tells the athlete what to do."""
    try:
        yield
    except ProviderError as exc:
        if TOO_MANY_GRANTS_TEXT not in exc.provider_message:
            raise
        raise TokenCapReachedError(
            "wahoo: token cap reached (too many unrevoked access tokens)",
            status=exc.status,
            provider_message=exc.provider_message,
            request_id=exc.request_id,
            user_message=CAP_USER_MESSAGE,
        ) from None


def _sport(raw):
    try:
        return SPORTS.get(int(raw.get("workout_type_id")), SportType.OTHER)
    except (TypeError, ValueError):
        return SportType.OTHER


def _planned_by_us(workout):
    """A workout we sent (our workout_token) that nobody has done yet."""
    if not isinstance(workout, dict) or workout.get("workout_summary"):
        return False
    return str(workout.get("workout_token") or "").startswith(REFERENCE_PREFIX)


class WahooBackend(WahooFitFiles, WahooPlansApi, OAuth2Backend):
    slug = "wahoo"
    name = "Wahoo"
    docs_section = "providers.md §6"
    # The write scopes let planned workouts be sent (planning/); a grant without
    # them still syncs, and the send button says why it cannot send.
    scopes = ("user_read", "workouts_read", *WRITE_SCOPES, "offline_data")
    required_scopes = ("workouts_read",)
    scope_separator = " "
    uses_pkce = False
    client_auth = "body"
    authorize_params = {}
    per_page = 30  # Wahoo's documented default
    # Each grant holds tokens toward the cap until revoked, and revoking revokes all:
    # a reconnect gives the previous grant back before exchanging its new code.
    revoke_before_reconnect = True

    def exchange_code(self, code, redirect_uri, code_verifier=None):
        with _explain_token_cap():
            return super().exchange_code(code, redirect_uri, code_verifier)

    def refresh(self, credentials):
        with _explain_token_cap():
            return super().refresh(credentials)

    def fetch_account(self, credentials):
        response = self.session().get(
            f"{self.api_url}/v1/user", headers=self.api_headers(credentials)
        )
        user = parse_json(response, self.slug)
        if not isinstance(user, dict) or not user.get("id"):
            raise ProviderError("wahoo: /v1/user answered without a user id")
        return AccountInfo(provider_user_id=str(user["id"]), profile=user)

    def revoke(self, credentials):
        self.session().delete(
            self.revoke_endpoint, headers=self.api_headers(credentials)
        )

    def iter_activities(self, http, credentials, since):
        page = 1
        while True:
            response = http.get(
                f"{self.api_url}/v1/workouts",
                params={"page": page, "per_page": self.per_page},
                headers=self.api_headers(credentials),
            )
            body = parse_json(response, self.slug)
            workouts = body.get("workouts") if isinstance(body, dict) else None
            if not isinstance(workouts, list):
                raise TransientProviderError(
                    "wahoo: workout page has no workout list",
                    user_message=garbled("Wahoo"),
                )
            fresh, reached_old = self._split_at(workouts, since)
            fresh = [w for w in fresh if not _planned_by_us(w)]
            if fresh:
                yield fresh
            last_page = page * self.per_page >= int(body.get("total") or 0)
            if reached_old or not workouts or last_page:
                return
            page += 1

    def fetch_activity(self, http, credentials, activity_id):
        """One workout (GET /v1/workouts/{id}, §6.5)."""
        response = http.get(
            f"{self.api_url}/v1/workouts/{activity_id}",
            headers=self.api_headers(credentials),
        )
        workout = parse_json(response, self.slug)
        if not isinstance(workout, dict):
            raise MalformedPayloadError("wahoo workout: detail is not an object")
        return workout

    @staticmethod
    def workout_from_summary(summary):
        """The listing's workout shape from a webhook's `workout_summary` (§6.7):
        the workout with the summary (minus the nested workout) inside it, or None
        when the event carries no workout."""
        if not isinstance(summary, dict) or not isinstance(
            summary.get("workout"), dict
        ):
            return None
        inner = {key: value for key, value in summary.items() if key != "workout"}
        return {**summary["workout"], "workout_summary": inner}

    @staticmethod
    def _split_at(workouts, since):
        """Workouts up to the first one older than `since`, and whether it was seen.

        A workout whose start cannot be read is kept: normalize rejects it and sync
        counts it, instead of it silently ending the listing.
        """
        if since is None:
            return workouts, False
        for index, workout in enumerate(workouts):
            starts = _parse_starts(workout)
            if starts is not None and starts < since:
                return workouts[:index], True
        return workouts, False

    def normalize(self, raw):
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise MalformedPayloadError("wahoo workout: no id")
        start_time = _parse_starts(raw)
        if start_time is None:
            raise MalformedPayloadError(f"wahoo workout {raw['id']}: no valid starts")
        summary = raw.get("workout_summary") or {}
        minutes = _number(raw, "minutes")
        elapsed = _number(summary, "duration_total_accum", round)
        if not elapsed and minutes:
            # Manual or unfinished workouts have no summary, only planned minutes.
            elapsed = int(minutes * 60)
        return ActivityData(
            provider_activity_id=str(raw["id"]),
            sport_type=_sport(raw),
            start_time=start_time,
            name=raw.get("name"),
            utc_offset_s=_utc_offset(summary, start_time),
            elapsed_time_s=elapsed,
            moving_time_s=_number(summary, "duration_active_accum", round),
            distance_m=_number(summary, "distance_accum"),
            elevation_gain_m=_number(summary, "ascent_accum"),
            avg_hr_bpm=_number(summary, "heart_rate_avg"),
            calories_kcal=_number(summary, "calories_accum"),
            activity_data=raw,
        )
