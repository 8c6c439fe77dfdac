"""The shared OAuth2 backend: everything a provider module does not override.

A provider module (strava.py, garmin.py, ...) declares its metadata and endpoints and
implements only its quirks (allauth's split). Backends never touch the database: they
take and return plain values (Credentials in; TokenSet, AccountInfo, ActivityData out).
"""

import base64
import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_noop
from requests.auth import HTTPBasicAuth

from trainlytics.stored_text import declare

from ..errors import MalformedPayloadError, ReauthRequiredError
from ..http import make_oauth_session, make_session

NEEDS_RECONNECT = declare(gettext_noop("%(provider)s needs you to reconnect."))

# Providers may grant fewer or other scopes than requested (Strava lets athletes untick
# them); we check the granted scopes ourselves instead of oauthlib raising a Warning.
os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")


def split_scopes(value):
    """Scopes as a list, from a list or a comma- or space-separated string."""
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(s) for s in value if s]
    return [s for s in re.split(r"[,\s]+", str(value)) if s]


def payload_number(data, key, cast=float, *, what):
    """A metric that may be a number, a numeric string or absent (None); anything else
    is a MalformedPayloadError naming `what` ("wahoo workout") and the key. `cast`
    turns the float into what the field stores (int, round)."""
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return cast(float(value))
    except (TypeError, ValueError, OverflowError):
        raise MalformedPayloadError(f"{what}: {key} is not a number") from None


def epoch_to_datetime(value):
    return datetime.fromtimestamp(float(value), UTC)


@dataclass(frozen=True)
class Credentials:
    """What a backend needs to act for one connection. Tokens never appear in repr."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    provider_user_id: str = ""
    expires_at: datetime | None = None

    @classmethod
    def from_connection(cls, connection):
        return cls(
            access_token=connection.access_token,
            refresh_token=connection.refresh_token,
            provider_user_id=connection.provider_user_id,
            expires_at=connection.token_expires_at,
        )


@dataclass(frozen=True)
class TokenSet:
    """One token response, whatever the provider's shape.

    `access_token` or `refresh_token` of None means "unchanged": COROS refresh extends
    the existing token and returns none, and a stored token is never overwritten with
    nothing.
    """

    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scopes: list[str] = field(default_factory=list)
    provider_user_id: str | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_response(cls, data, provider_user_id=None, now=None):
        now = now or datetime.now(UTC)
        expires_at = None
        if data.get("expires_at") not in (None, ""):
            expires_at = epoch_to_datetime(data["expires_at"])
        elif data.get("expires_in") not in (None, ""):
            expires_at = now + timedelta(seconds=float(data["expires_in"]))
        return cls(
            access_token=data.get("access_token") or None,
            refresh_token=data.get("refresh_token") or None,
            expires_at=expires_at,
            scopes=split_scopes(data.get("scope")),
            provider_user_id=str(provider_user_id) if provider_user_id else None,
            raw=dict(data),
        )

    def credentials(self, provider_user_id=""):
        return Credentials(
            access_token=self.access_token,
            refresh_token=self.refresh_token,
            provider_user_id=provider_user_id or self.provider_user_id or "",
            expires_at=self.expires_at,
        )


@dataclass(frozen=True)
class AccountInfo:
    provider_user_id: str
    profile: dict
    # Permissions reported by the provider after connect (Garmin), if any.
    scopes: list[str] | None = None


@dataclass
class ActivityData:
    """One activity in our units. Missing values are None, never "" or 0.

    __post_init__ applies that rule whoever builds one (every backend's normalize(),
    the legacy import), so no provider module has to remember it.
    """

    provider_activity_id: str
    sport_type: str
    start_time: datetime
    name: str | None = None
    utc_offset_s: int | None = None
    elapsed_time_s: int | None = None
    moving_time_s: int | None = None
    distance_m: float | None = None
    elevation_gain_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    calories_kcal: float | None = None
    device_name: str | None = None
    activity_data: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in OPTIONAL_TEXT:
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, str(value).strip() or None)
        for name in ZERO_IS_MISSING:
            # Providers send 0 for "not measured" (a manual entry's distance, a watch
            # without a strap's heart rate); no real session lasts, climbs or burns 0.
            if getattr(self, name) == 0:
                setattr(self, name, None)


OPTIONAL_TEXT = ("name", "device_name")
# Every optional number but utc_offset_s, where 0 is a real offset (UTC).
ZERO_IS_MISSING = (
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "calories_kcal",
)


def pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_code_verifier():
    # 64 URL-safe characters: inside RFC 7636's 43-128.
    return secrets.token_urlsafe(48)


class OAuth2Backend:
    """Generic OAuth2 authorization-code backend on requests-oauthlib."""

    slug = ""
    name = ""
    docs_section = ""  # e.g. "providers.md §2"
    scopes: tuple[str, ...] = ()
    # What sync needs; the callback refuses a grant that lacks any of these.
    required_scopes: tuple[str, ...] = ()
    scope_separator = " "
    uses_pkce = False
    client_auth = "body"  # "body" (client_secret_post) or "basic"
    authorize_params: dict = {}
    reauth_statuses = (401,)
    # A token endpoint refusing a refresh grant answers 400 (invalid_grant, in
    # whatever words the provider uses: Strava says "Bad Request") or 401
    # (RFC 6749 §5.2); either way only the athlete can mend it by reconnecting.
    refresh_refused_statuses = (400, 401, 403)
    # Planned workouts this provider takes onto the athlete's device (planning/).
    # A backend that does sets this True and implements workout_permission(),
    # send_workout(), update_workout() and delete_workout().
    accepts_workouts = False
    # Activity time series (analytics): a backend that has them sets this True and
    # implements fetch_streams() (providers/streams.py).
    has_streams = False
    refresh_margin: int | None = (
        None  # seconds; None means settings.TOKEN_REFRESH_MARGIN
    )

    def __init__(self, conf=None):
        self.conf = conf if conf is not None else settings.PROVIDERS[self.slug]

    # -- configuration ----------------------------------------------------------------

    client_id = property(lambda self: self.conf["CLIENT_ID"])
    client_secret = property(lambda self: self.conf["CLIENT_SECRET"])
    authorize_endpoint = property(lambda self: self.conf["AUTHORIZE_URL"])
    token_endpoint = property(lambda self: self.conf["TOKEN_URL"])
    refresh_endpoint = property(lambda self: self.conf["REFRESH_URL"])
    api_url = property(lambda self: self.conf["API_URL"].rstrip("/"))
    revoke_endpoint = property(lambda self: self.conf["REVOKE_URL"])

    @property
    def is_configured(self):
        return bool(self.client_id and self.client_secret)

    def get_refresh_margin(self):
        return self.refresh_margin or settings.TOKEN_REFRESH_MARGIN

    # -- HTTP --------------------------------------------------------------------

    def session(self, reauth_statuses=None):
        return make_session(self.slug, reauth_statuses or self.reauth_statuses)

    def oauth_session(self, redirect_uri=None, reauth_statuses=None, **kwargs):
        session = make_oauth_session(
            self.slug,
            reauth_statuses or self.reauth_statuses,
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            **kwargs,
        )
        for hook in ("access_token_response", "refresh_token_response"):
            session.register_compliance_hook(hook, self._check_token_response)
        return session

    def _check_token_response(self, response):
        """Hook for token responses that fail inside a 200 (COROS `result` codes).

        HTTP-status failures never get here: the session maps them (http.py) first.
        """
        return response

    def api_headers(self, credentials):
        return {"Authorization": f"Bearer {credentials.access_token}"}

    def token_auth_kwargs(self):
        """How the client authenticates at the token endpoint."""
        if self.client_auth == "basic":
            return {
                "auth": HTTPBasicAuth(self.client_id, self.client_secret),
                "include_client_id": False,
            }
        return {"client_secret": self.client_secret, "include_client_id": True}

    # -- the OAuth flow ----------------------------------------------------------

    def authorization_url(self, redirect_uri, state, code_verifier=None):
        params = dict(self.authorize_params)
        if self.uses_pkce:
            params["code_challenge"] = pkce_challenge(code_verifier)
            params["code_challenge_method"] = "S256"
        # A pre-joined string keeps the provider's separator (Strava's commas).
        scope = self.scope_separator.join(self.scopes) or None
        session = self.oauth_session(redirect_uri, scope=scope)
        url, _ = session.authorization_url(
            self.authorize_endpoint, state=state, **params
        )
        return url

    def exchange_code(self, code, redirect_uri, code_verifier=None):
        extra = {"code_verifier": code_verifier} if self.uses_pkce else {}
        session = self.oauth_session(redirect_uri)
        data = session.fetch_token(
            self.token_endpoint, code=code, **self.token_auth_kwargs(), **extra
        )
        return self.parse_token(data)

    def parse_token(self, data):
        return TokenSet.from_response(data, self.provider_user_id_from_token(data))

    def provider_user_id_from_token(self, data):
        """The provider's user id when its token response carries one."""
        return None

    def granted_scopes(self, callback_params, token):
        """The scopes the athlete actually granted."""
        return token.scopes or list(self.scopes)

    def missing_scopes(self, granted):
        return [scope for scope in self.required_scopes if scope not in set(granted)]

    def fetch_account(self, credentials):
        """AccountInfo (provider user id and profile JSON) for fresh credentials."""
        raise NotImplementedError

    def after_connect(self, credentials, account, user):
        """Provider-specific step after connecting (Polar's user registration).

        May return a profile dict, used when fetch_account had none to give.
        """

    def refresh(self, credentials):
        """A new TokenSet from the refresh token (rotated where the provider does)."""
        if not credentials.refresh_token:
            raise ReauthRequiredError(
                f"{self.slug}: no refresh token",
                user_message=NEEDS_RECONNECT % {"provider": self.name},
            )
        session = self.oauth_session(reauth_statuses=self.refresh_refused_statuses)
        auth = self.token_auth_kwargs()
        if self.client_auth == "body":
            auth = {"client_id": self.client_id, "client_secret": self.client_secret}
        data = session.refresh_token(
            self.refresh_endpoint, refresh_token=credentials.refresh_token, **auth
        )
        tokens = self.parse_token(data)
        # requests-oauthlib copies the old refresh token into a response that has
        # none (Google); report it as unchanged so the stored one is kept.
        if tokens.refresh_token == credentials.refresh_token:
            tokens = replace(tokens, refresh_token=None)
        return tokens

    def revoke(self, credentials):
        """Tell the provider to forget this grant (deauthorize / deregister)."""
        raise NotImplementedError

    # -- activities --------------------------------------------------------------

    def iter_activities(self, http, credentials, since):
        """Yield pages (lists of raw provider dicts) of activities since `since`.

        `since` is an aware datetime or None for "as far back as the provider allows".
        Paging and windows stay inside; `http` is a ProviderSession (it counts calls).
        """
        raise NotImplementedError

    def normalize(self, raw):
        """ActivityData from one raw payload; MalformedPayloadError when impossible."""
        raise NotImplementedError

    # -- activity streams (only where has_streams) ------------------------------------

    def fetch_streams(self, http, credentials, activity):
        """providers.streams.StreamData for `activity` (a StreamRequest), or None
        when the provider holds no time series for it."""
        raise NotImplementedError

    # -- planned workouts (only where accepts_workouts) -------------------------------

    def workout_permission(self, connection):
        """None when `connection`'s grant lets us send workouts, else why not (a
        sentence for the athlete). Reads only what was stored at connect."""
        raise NotImplementedError

    def send_workout(self, http, credentials, workout):
        """Put a providers.workouts.PlannedWorkout on the athlete's calendar; return
        the provider's ids for it (a JSON-able dict, WorkoutDelivery.external)."""
        raise NotImplementedError

    def update_workout(self, http, credentials, workout, external):
        """Replace the copy known by `external` (send_workout's answer); return the
        ids, which may be new (a copy deleted at the provider is sent again)."""
        raise NotImplementedError

    def delete_workout(self, http, credentials, external):
        """Remove the copy known by `external`; one already gone is not an error."""
        raise NotImplementedError

    def __repr__(self):
        return f"<{type(self).__name__} {self.slug}>"
