"""COROS Open API (partner docs "API Reference V2.x"): providers.md §5.

Docs are private; public references: https://support.coros.com/ and
https://github.com/c2corg/c2c_tracking (src/server/coros/coros.api.ts).

Quirks kept here:
- no PKCE, no scope, client_secret in the form body (§5.1); the token response names
  the user as `openId` and may spell `expires_in` as `expiresIn` (§5.2);
- every answer is HTTP 200 with a `result` code; anything but "0000" is a failure.
  `raise_for_result` is the one place that checks it, for the token exchange, refresh,
  revoke and data calls. The codes themselves are not public (§10.4), so none is
  treated as "reconnect" on data calls: guessing would flag healthy connections. Every
  failing code is a ProviderError carrying COROS's code and message; a real HTTP 401
  still means reconnect through http.py. The refresh endpoint is the exception: any
  failing code there means the refresh token was refused, so the athlete must
  reconnect;
- refresh answers only {result, message}: it extends the SAME access token by 30 days
  and never rotates either token (§5.2), so the TokenSet holds no tokens;
- data calls authenticate with `token` and `openId` query parameters, not a Bearer
  header (§5.4);
- the listing takes YYYYMMDD dates, at most 30 days per call, starting no earlier than
  three months ago (§5.4). Dates are taken in UTC; sync's lookback covers a day's
  difference at either end;
- `startTimezone` is in units of 15 minutes; `calorie` is in small calories (older
  integrations divide it by 1000, §5.4), so it is divided by 1000 into kcal here;
  the listing has no heart rate or elevation (§5.4);
- no planned workouts (accepts_workouts stays False). COROS's API application
  (support.coros.com, "Submit an API Application") lets a partner ask for
  "Structured Workouts and Training Plans Sync" (as an applicant recorded it in
  Nmdk1/StrideIQ _AI_CONTEXT_/16_COROS_INTEGRATION.md), but its endpoints and
  payload are only in the private API Reference: no public source (COROS pages,
  c2c_tracking, hub-decathlon, integrations found by search) documents a workout or
  plan import call, so none is invented here;
- activity streams (analytics) come from the workout's `fitUrl`: coros_streams.py.
"""

from datetime import UTC, date, datetime, timedelta
from functools import partial

from django.utils.translation import gettext_noop

from trainlytics.stored_text import declare

from ..errors import (
    MalformedPayloadError,
    ProviderError,
    ReauthRequiredError,
    TransientProviderError,
    garbled,
)
from ..http import parse_json
from ..sports import SportType
from .base import (
    AccountInfo,
    ActivityData,
    OAuth2Backend,
    TokenSet,
    epoch_to_datetime,
    payload_number,
)
from .coros_streams import CorosFitFiles

OK = "0000"
# Translators: COROS is a brand; the reason is COROS' own words or code.
REFUSED_REQUEST = declare(gettext_noop("COROS refused the request (%(reason)s)."))
REFUSED_RENEWAL = gettext_noop("COROS refused to renew our access.")
TOKEN_LIFETIME = timedelta(days=30)  # §5.2: issue and every refresh
LIST_WINDOW_DAYS = 30  # §5.4: dates per listing call, both ends included

# mode * 100 + subMode (§5.4; names as in c2c_tracking's table).
SPORTS = {
    801: SportType.RUN,  # outdoor run
    802: SportType.TREADMILL_RUN,  # indoor run
    201: SportType.RUN,  # track run
    151: SportType.TRAIL_RUN,
    311: SportType.WALK,
    161: SportType.HIKE,
    141: SportType.HIKE,  # mountain climb
    901: SportType.RIDE,  # outdoor bike
    902: SportType.VIRTUAL_RIDE,  # indoor bike
    101: SportType.OPEN_WATER_SWIM,
    102: SportType.SWIM,  # pool swim
    131: SportType.MULTISPORT,  # triathlon
    132: SportType.MULTISPORT,
    191: SportType.CROSS_COUNTRY_SKI,
    211: SportType.ALPINE_SKI,
    212: SportType.ALPINE_SKI,  # snowboard
    232: SportType.STRENGTH,
    241: SportType.ROWING,
    242: SportType.INDOOR_ROWING,
    181: SportType.WORKOUT,  # GPS cardio
    182: SportType.WORKOUT,  # gym cardio
}


def raise_for_result(body):
    """Raise ProviderError unless a COROS body says "0000" (or says nothing)."""
    if not isinstance(body, dict) or "result" not in body:
        return body
    code = str(body["result"])
    if code != OK:
        message = str(body.get("message") or "")
        raise ProviderError(
            f"coros: result {code}: {message}",
            provider_message=f"{code} {message}".strip(),
            user_message=REFUSED_REQUEST % {"reason": message or code},
        )
    return body


def three_months_before(day):
    """The same day three months earlier, or the 1st of the next month when that
    day does not exist (never earlier than COROS allows)."""
    year, month = divmod(day.year * 12 + day.month - 1 - 3, 12)
    month += 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return date(year, month + 1, 1)


def list_windows(since, today):
    """(startDate, endDate) pairs of at most 30 days from `since` (clamped) to today."""
    earliest = three_months_before(today)
    start = max(since.astimezone(UTC).date(), earliest) if since else earliest
    windows = []
    while start <= today:
        end = min(start + timedelta(days=LIST_WINDOW_DAYS - 1), today)
        windows.append((start, end))
        start = end + timedelta(days=1)
    return windows


def sport_for(raw):
    if raw.get("triathlonItemList"):
        return SportType.MULTISPORT
    try:
        code = int(raw["mode"]) * 100 + int(raw["subMode"])
    except (KeyError, TypeError, ValueError):
        return SportType.OTHER
    return SPORTS.get(code, SportType.OTHER)


_number = partial(payload_number, what="coros workout")


class CorosBackend(CorosFitFiles, OAuth2Backend):
    slug = "coros"
    name = "COROS"
    docs_section = "providers.md §5"
    scopes = ()
    required_scopes = ()
    scope_separator = " "
    uses_pkce = False
    client_auth = "body"
    authorize_params = {}
    accepts_workouts = False  # undocumented publicly: see the module docstring

    def _check_token_response(self, response):
        super()._check_token_response(response)
        raise_for_result(parse_json(response, self.slug))
        return response

    def provider_user_id_from_token(self, data):
        return data.get("openId")

    def parse_token(self, data):
        data = dict(data)
        if data.get("expires_in") in (None, "") and not data.get("expires_at"):
            seconds = data.get("expiresIn") or TOKEN_LIFETIME.total_seconds()
            data["expires_in"] = seconds
        return super().parse_token(data)

    def fetch_account(self, credentials):
        # Nothing to ask: the token response already named the user (openId).
        if not credentials.provider_user_id:
            raise ProviderError("coros: no openId for this connection")
        return AccountInfo(credentials.provider_user_id, {})

    def _post(self, url, data):
        response = self.session().post(url, data=data)
        return raise_for_result(parse_json(response, self.slug))

    def refresh(self, credentials):
        if not credentials.refresh_token:
            return super().refresh(credentials)  # asks the athlete to reconnect
        form = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": credentials.refresh_token,
        }
        session = self.session(reauth_statuses=self.refresh_refused_statuses)
        response = session.post(self.refresh_endpoint, data=form)
        try:
            raise_for_result(parse_json(response, self.slug))
        except ProviderError as exc:
            # Whatever the code, a refused refresh leaves nothing to retry with.
            raise ReauthRequiredError(
                f"coros: refresh refused ({exc.provider_message})",
                provider_message=exc.provider_message,
                user_message=REFUSED_RENEWAL,
            ) from None
        # Same tokens, 30 more days: None keeps the stored ones.
        expires_at = datetime.now(UTC) + TOKEN_LIFETIME
        return TokenSet(access_token=None, refresh_token=None, expires_at=expires_at)

    def revoke(self, credentials):
        self._post(self.revoke_endpoint, {"token": credentials.access_token})

    def iter_activities(self, http, credentials, since, now=None):
        today = (now or datetime.now(UTC)).date()
        for start, end in list_windows(since, today):
            response = http.get(
                f"{self.api_url}/v2/coros/sport/list",
                params={
                    "token": credentials.access_token,
                    "openId": credentials.provider_user_id,
                    "startDate": start.strftime("%Y%m%d"),
                    "endDate": end.strftime("%Y%m%d"),
                },
            )
            body = raise_for_result(parse_json(response, self.slug))
            items = body.get("data") if isinstance(body, dict) else "garbled"
            if items is None:
                continue  # nothing in this window
            if not isinstance(items, list):
                raise TransientProviderError(
                    "coros: workout list `data` is not a list",
                    user_message=garbled("COROS"),
                )
            if items:
                yield items

    def normalize(self, raw):
        if not isinstance(raw, dict) or raw.get("labelId") in (None, ""):
            raise MalformedPayloadError("coros workout: no labelId")
        label = str(raw["labelId"])
        try:
            start_time = epoch_to_datetime(raw["startTime"])
        except (KeyError, TypeError, ValueError):
            message = f"coros workout {label}: no startTime"
            raise MalformedPayloadError(message) from None
        zone = _number(raw, "startTimezone")
        duration = _number(raw, "duration")
        calories = _number(raw, "calorie")
        return ActivityData(
            provider_activity_id=label,
            sport_type=sport_for(raw),
            start_time=start_time,
            utc_offset_s=int(zone * 15 * 60) if zone is not None else None,
            elapsed_time_s=round(duration) if duration is not None else None,
            distance_m=_number(raw, "distance"),
            calories_kcal=calories / 1000 if calories is not None else None,
            activity_data=raw,
        )
