"""Our real backends, connect flow and sync engine against the sandbox over HTTP.

Each test points one provider's settings at the sandbox served by pytest-django's
live_server, approves the consent page, lets `complete_connection` exchange the
code, then syncs with `sync_in_foreground` and compares what was stored with the
sandbox's own generated data.
"""

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from providers.backends.base import Credentials, new_code_verifier
from providers.connect import InsufficientScopesError, complete_connection
from providers.models import ConnectionStatus
from providers.registry import get_backend
from providers.sandbox import data, faults
from providers.sandbox import strava as sandbox_strava
from providers.sandbox import tokens as sandbox_tokens
from providers.sandbox.garmin import backfill_push_payload, pending_backfills
from providers.sandbox.models import Fault
from providers.tokens import get_access_token
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.services import run_sync, sync_in_foreground
from trainlytics.settings import sandbox_provider_conf

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
ATHLETE = data.ATHLETES[1]


@pytest.fixture
def sandbox(live_server, settings):
    # live_server is http on localhost: allowed with DEBUG, like `make run`.
    settings.DEBUG = True

    def point(slug):
        providers = dict(settings.PROVIDERS)
        providers[slug] = sandbox_provider_conf(slug, live_server.url)
        settings.PROVIDERS = providers
        return get_backend(slug)

    return point


def connect(client, backend, user, athlete=ATHLETE, untick=()):
    """Walk the real authorize URL through the sandbox consent page (Approve)."""
    redirect_uri = f"http://testserver/providers/{backend.slug}/callback/"
    verifier = new_code_verifier()
    url = backend.authorization_url(redirect_uri, "state-xyz", verifier)
    parts = urlsplit(url)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    params = dict(parse_qsl(parts.query))
    granted = [s for s in page.context["requested"] if s not in untick]
    answer = client.post(
        f"{parts.path}?{parts.query}",
        {**params, "decision": "approve", "athlete": athlete.id, "granted": granted},
    )
    callback = dict(parse_qsl(urlsplit(answer["Location"]).query))
    assert callback["state"] == "state-xyz"
    return complete_connection(
        user, backend, callback["code"], redirect_uri, verifier, callback
    )


def stored_facts(connection):
    return [
        {
            "start_time": a.start_time,
            "elapsed_time_s": a.elapsed_time_s,
            "distance_m": a.distance_m,
            "sport_type": a.sport_type,
        }
        for a in Activity.objects.filter(connection=connection).order_by("start_time")
    ]


@pytest.mark.parametrize("slug", ["strava", "polar", "coros", "wahoo", "fitbit"])
def test_connect_and_full_sync_store_exactly_the_sandbox_activities(
    slug, sandbox, client, user
):
    connection = connect(client, sandbox(slug), user)
    assert connection.provider_user_id == data.provider_user_id(slug, ATHLETE)

    run = sync_in_foreground(connection, full=True)

    assert run.status == SyncStatus.SUCCESS
    expected = data.expected_facts(ATHLETE, slug)
    assert expected
    assert stored_facts(connection) == expected


def test_garmin_pulls_the_last_day_and_the_backfill_arrives_by_push(
    sandbox, client, user
):
    # Connecting runs the initial sync (no `since`): the one to check.
    connection = connect(client, sandbox("garmin"), user)
    assert connection.provider_user_id == data.provider_user_id("garmin", ATHLETE)
    assert "ACTIVITY_EXPORT" in connection.scopes

    run = SyncHistory.objects.get(connection=connection, sync_type=SyncType.INITIAL)
    assert run.status == SyncStatus.SUCCESS
    day_ago = datetime.now(UTC) - timedelta(hours=24)
    recent = {
        s.start
        for s in data.visible_sessions(ATHLETE, "garmin")
        if s.uploaded_at >= day_ago
    }
    ranges = pending_backfills(ATHLETE.id)
    assert len(ranges) == 3  # 90 days in 30-day requests
    backfilled = {
        s.start
        for s in data.visible_sessions(ATHLETE, "garmin")
        if ranges[0][0] <= s.start < ranges[-1][1]
    }
    assert len(backfilled) == sum(
        len(backfill_push_payload(ATHLETE, start, end)["activities"])
        for start, end in ranges
    )
    # Each accepted backfill is pushed to our Garmin webhook, which processes every
    # summary in it as an event of its own.
    pushes = SyncHistory.objects.filter(
        connection=connection, sync_type=SyncType.WEBHOOK
    )
    assert pushes.count() == len(backfilled)
    assert {f["start_time"] for f in stored_facts(connection)} == recent | backfilled


def test_strava_athlete_who_unticks_activities_is_refused_at_connect(
    sandbox, client, user
):
    with pytest.raises(InsufficientScopesError) as refused:
        connect(client, sandbox("strava"), user, untick=("activity:read_all",))
    assert refused.value.missing == ["activity:read"]


def test_rate_limit_fault_ends_the_run_rate_limited(sandbox, client, user):
    connection = connect(client, sandbox("wahoo"), user)
    faults.set_fault(ATHLETE.id, Fault.Kind.RATE_LIMITED, True)

    run = sync_in_foreground(connection, full=True)

    assert run.status == SyncStatus.RATE_LIMITED
    assert run.error_details["kind"] == "rate_limited"
    retry = SyncHistory.objects.get(connection=connection, status=SyncStatus.PENDING)
    # Wahoo's X-RateLimit-Reset says 60 s.
    assert retry.next_attempt_at > datetime.now(UTC) + timedelta(seconds=30)


@pytest.mark.parametrize("slug", ["strava", "coros", "fitbit"])
def test_revoked_token_fault_flags_the_connection_for_reconnect(
    slug, sandbox, client, user
):
    connection = connect(client, sandbox(slug), user)
    faults.set_fault(ATHLETE.id, Fault.Kind.REVOKED, True)

    run = sync_in_foreground(connection, full=True)

    connection.refresh_from_db()
    assert run.status == SyncStatus.FAILED
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED


def test_failure_mid_sync_leaves_no_duplicates_after_the_next_run(
    sandbox, client, user, monkeypatch
):
    backend = sandbox("strava")
    monkeypatch.setattr(type(backend), "per_page", 5)
    faults.set_fault(ATHLETE.id, Fault.Kind.MID_SYNC, True)
    # Connecting starts the initial sync, which stores page 1 and fails on page 2.
    connection = connect(client, backend, user)
    first = SyncHistory.objects.get(connection=connection)
    assert first.status == SyncStatus.PENDING  # to be retried
    assert Activity.objects.filter(connection=connection).count() == 5

    faults.set_fault(ATHLETE.id, Fault.Kind.MID_SYNC, False)
    SyncHistory.objects.filter(pk=first.pk).update(next_attempt_at=None)
    second = run_sync(first.pk)

    assert second.status == SyncStatus.SUCCESS
    assert stored_facts(connection) == data.expected_facts(ATHLETE, "strava")


# -- Strava's refresh answers the same access token while it has over an hour left ----


@pytest.fixture
def sandbox_clock(monkeypatch):
    """Move the sandbox's clock (not ours) forward: `sandbox_clock(seconds)`."""
    offset = [0.0]
    fake = SimpleNamespace(time=lambda: time.time() + offset[0])
    monkeypatch.setattr(sandbox_strava, "time", fake)
    monkeypatch.setattr(sandbox_tokens, "time", fake)
    return lambda seconds: offset.__setitem__(0, offset[0] + seconds)


def test_strava_refresh_with_over_an_hour_left_answers_the_same_access_token(
    sandbox, client, user
):
    backend = sandbox("strava")
    connection = connect(client, backend, user)

    tokens = backend.refresh(Credentials.from_connection(connection))

    assert tokens.access_token == connection.access_token
    assert tokens.refresh_token not in (None, connection.refresh_token)
    assert abs(tokens.expires_at - connection.token_expires_at) < timedelta(seconds=5)


def test_strava_refresh_in_the_last_hour_answers_a_new_access_token(
    sandbox, client, user, sandbox_clock
):
    backend = sandbox("strava")
    connection = connect(client, backend, user)
    sandbox_clock(5 * 3600 + 60)

    tokens = backend.refresh(Credentials.from_connection(connection))

    assert tokens.access_token != connection.access_token
    assert tokens.refresh_token not in (None, connection.refresh_token)


# The refresh holds our row lock while the sandbox, in the same database, spends the
# refresh token: SQLite's shared in-memory database cannot do both; PostgreSQL can.
@pytest.mark.postgres
def test_strava_connection_keeps_or_replaces_its_token_as_the_refresh_says(
    sandbox, client, user, sandbox_clock
):
    backend = sandbox("strava")
    connection = connect(client, backend, user)
    first = (connection.access_token, connection.refresh_token)
    # We think it is about to expire; the sandbox knows it has six hours left.
    connection.token_expires_at = timezone.now() + timedelta(seconds=5)
    connection.save(update_fields=["token_expires_at"])

    assert get_access_token(connection, backend) == first[0]
    connection.refresh_from_db()
    assert connection.refresh_token != first[1]
    assert connection.token_expires_at > timezone.now() + timedelta(hours=5)

    sandbox_clock(5 * 3600 + 60)
    connection.token_expires_at = timezone.now() + timedelta(seconds=5)
    connection.save(update_fields=["token_expires_at"])
    assert get_access_token(connection, backend) != first[0]
    assert sync_in_foreground(connection).status == SyncStatus.SUCCESS
