"""One suite every registered backend passes (cases in providers/tests/contracts/)."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse, urlsplit

import pytest

from providers.backends.base import (
    OPTIONAL_TEXT,
    ZERO_IS_MISSING,
    ActivityData,
    Credentials,
    OAuth2Backend,
    pkce_challenge,
)
from providers.errors import ReauthRequiredError
from providers.http import make_session
from providers.registry import BACKENDS
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.models import Activity
from sync.services.ingest import write_page
from trainlytics import settings as project_settings

SLUGS = [str(slug) for slug in BACKENDS]
REDIRECT = "https://app.example.com/providers/{slug}/callback/"
VERIFIER = "v" * 64


@pytest.fixture
def credentials(case):
    return Credentials(**case.CREDENTIALS)


def test_registry_lists_every_provider_once():
    assert sorted(SLUGS) == ["coros", "fitbit", "garmin", "polar", "strava", "wahoo"]


def test_backend_declares_its_identity(backend, slug):
    assert backend.slug == slug
    assert backend.name
    assert backend.docs_section.startswith("providers.md §")
    assert backend.is_configured


def test_authorize_url_carries_client_state_scopes_and_pkce(backend, case, slug):
    redirect = REDIRECT.format(slug=slug)
    url = backend.authorization_url(redirect, "state-123", VERIFIER)
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert url.startswith(backend.authorize_endpoint)
    assert query["client_id"] == f"{slug}-client-id"
    assert query["redirect_uri"] == redirect
    assert query["response_type"] == "code"
    assert query["state"] == "state-123"
    assert query.get("scope") == case.AUTHORIZE["scope"]
    if case.AUTHORIZE["pkce"]:
        assert query["code_challenge"] == pkce_challenge(VERIFIER)
        assert query["code_challenge_method"] == "S256"
    else:
        assert "code_challenge" not in query
    for name, value in case.AUTHORIZE["params"].items():
        assert query[name] == value
    assert "client_secret" not in url


def test_code_exchange_parses_tokens_into_an_aware_expiry(backend, case, rsps, slug):
    redirect = REDIRECT.format(slug=slug)
    expected = case.token_exchange(rsps, backend, redirect, VERIFIER)
    before = datetime.now(UTC)
    tokens = backend.exchange_code("auth-code-123", redirect, VERIFIER)
    assert tokens.access_token == expected["access_token"]
    assert tokens.refresh_token == expected["refresh_token"]
    assert tokens.provider_user_id == expected["provider_user_id"]
    assert sorted(tokens.scopes) == sorted(expected["scopes"])
    if expected["expires_in_s"] is None:
        assert tokens.expires_at is None
    else:
        assert tokens.expires_at.tzinfo is not None
        wanted = before + timedelta(seconds=expected["expires_in_s"])
        assert abs((tokens.expires_at - wanted).total_seconds()) < 120
    assert expected["access_token"] not in repr(tokens)


def test_refresh_rotates_extends_or_refuses(backend, case, rsps, credentials):
    expected = case.refresh(rsps, backend, credentials)
    if expected is None:
        with pytest.raises(ReauthRequiredError):
            backend.refresh(credentials)
        return
    tokens = backend.refresh(credentials)
    assert tokens.access_token == expected["access_token"]
    assert tokens.refresh_token == expected["refresh_token"]
    assert tokens.expires_at is None or tokens.expires_at > datetime.now(UTC)


def test_fetch_account_returns_the_provider_user_id(backend, case, rsps, credentials):
    expected_id = case.account(rsps, backend, credentials)
    account = backend.fetch_account(credentials)
    assert account.provider_user_id == expected_id
    assert isinstance(account.profile, dict)


def test_after_connect_succeeds(backend, case, rsps, credentials, user):
    case.after_connect(rsps, backend, credentials)
    backend.after_connect(credentials, None, user)


def test_revoke_calls_the_provider(backend, case, rsps, credentials):
    case.revoke(rsps, backend, credentials)
    backend.revoke(credentials)


def test_activities_page_and_normalise(backend, case, rsps, credentials):
    since = datetime.now(UTC) - timedelta(days=20)
    expected_count = case.activities(rsps, backend, credentials, since)
    http = make_session(backend.slug)
    raw_items = [
        item
        for page in backend.iter_activities(http, credentials, since)
        for item in page
    ]
    assert len(raw_items) == expected_count
    assert http.calls >= 1
    for raw in raw_items:
        activity = backend.normalize(raw)
        assert isinstance(activity, ActivityData)
        assert activity.provider_activity_id
        assert activity.start_time.utcoffset() == timedelta(0)
        assert activity.sport_type in SportType.values
        assert activity.activity_data == raw
        for metric in ("distance_m", "elapsed_time_s", "avg_hr_bpm", "calories_kcal"):
            value = getattr(activity, metric)
            assert value is None or value >= 0


MISSING = dict.fromkeys(OPTIONAL_TEXT + ZERO_IS_MISSING)


def test_normalise_makes_blank_text_and_zero_metrics_none(backend, case):
    activity = backend.normalize(case.sparse())

    assert {name: getattr(activity, name) for name in MISSING} == MISSING
    # 0 is a real UTC offset, not a missing one.
    assert activity.utc_offset_s == 0


SENDING = ("workout_permission", "send_workout", "update_workout", "delete_workout")


def test_a_backend_implements_sending_workouts_exactly_when_it_accepts_them(backend):
    implemented = {
        name
        for name in SENDING
        if getattr(type(backend), name) is not getattr(OAuth2Backend, name)
    }
    assert implemented == (set(SENDING) if backend.accepts_workouts else set())


def test_missing_values_are_stored_as_null(backend, case, slug, user):
    connection = make_connection(user, provider=slug)
    stats = dict.fromkeys(
        ("activities_fetched", "activities_created", "activities_updated"), 0
    )

    write_page(connection, backend, [case.sparse()], stats)

    stored = Activity.objects.filter(connection=connection).values(*MISSING).get()
    assert stored == MISSING


def test_every_endpoint_follows_a_server_that_replaces_the_documented_urls(
    backend, slug, monkeypatch
):
    """An operator sets the documented <SLUG>_*_URL variables (not REFRESH_URL) to
    another deployment: nothing may still go to the production host."""
    monkeypatch.setattr(project_settings, "PROVIDER_SANDBOX", False)
    staging = f"https://{slug}.staging.example.com"
    defaults = project_settings.PROVIDER_DEFAULT_URLS[slug]
    for name, url in defaults.items():
        moved = staging + urlsplit(url).path
        monkeypatch.setenv(f"{slug.upper()}_{name}", moved)

    conf = project_settings._provider_settings(slug, dict(defaults))
    moved_backend = type(backend)(conf)

    endpoints = (
        moved_backend.authorize_endpoint,
        moved_backend.token_endpoint,
        moved_backend.refresh_endpoint,
        moved_backend.api_url,
        moved_backend.revoke_endpoint,
    )
    assert {urlsplit(url).netloc for url in endpoints} == {urlsplit(staging).netloc}


def test_a_backend_with_streams_implements_fetch_streams(backend):
    # has_streams promises analytics a fetch_streams of the backend's own.
    if backend.has_streams:
        assert type(backend).fetch_streams is not OAuth2Backend.fetch_streams
    else:
        with pytest.raises(NotImplementedError):
            backend.fetch_streams(None, None, None)
