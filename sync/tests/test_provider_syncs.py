"""run_sync against every provider's real backend, with HTTP from the contract cases
(providers/tests/contracts/<slug>.py) served by `responses`."""

import importlib
import re
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from providers.backends.base import Credentials
from providers.registry import BACKENDS, get_backend
from providers.tests.factories import make_connection
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.services import run_sync, start_sync

ANY_URL = re.compile(r"https?://.*")
# Polar's list and the contract case's COROS window come in one request: no "page 2".
PAGED = [str(slug) for slug in BACKENDS if slug not in ("polar", "coros")]


@pytest.fixture(params=[str(slug) for slug in BACKENDS])
def slug(request):
    return request.param


@pytest.fixture
def case(slug):
    return importlib.import_module(f"providers.tests.contracts.{slug}")


@pytest.fixture
def backend(slug, monkeypatch):
    # The contract case tunes the instance (e.g. small pages); run_sync must use it.
    backend = get_backend(slug)
    monkeypatch.setattr("sync.services.runner.get_backend", lambda _: backend)
    return backend


@pytest.fixture
def connection(user, slug, case, settings):
    settings.SYNC_LOOKBACK = timedelta(days=3)
    return make_connection(
        user,
        slug,
        access_token=case.CREDENTIALS["access_token"],
        refresh_token=case.CREDENTIALS["refresh_token"],
        provider_user_id=case.CREDENTIALS["provider_user_id"],
        token_expires_at=timezone.now() + timedelta(days=30),
        last_sync_at=timezone.now() - timedelta(days=1),
    )


def since_of(connection):
    connection.refresh_from_db()
    return connection.last_sync_at - timedelta(days=3)


def sync_once(connection, **kwargs):
    sync = start_sync(connection, SyncType.MANUAL)
    return resume(sync, **kwargs)


def resume(sync, **kwargs):
    run_sync(sync.pk, **kwargs)
    sync.refresh_from_db()
    return sync


def serve(case, backend, connection):
    """A RequestsMock serving the case's listing; returns (mock, expected count)."""
    rsps = responses.RequestsMock(assert_all_requests_are_fired=True)
    rsps.start()
    count = case.activities(
        rsps, backend, Credentials.from_connection(connection), since_of(connection)
    )
    return rsps, count


def fail_everything(rsps, **response):
    for method in ("GET", "POST"):
        rsps.add(method, ANY_URL, **response)


def test_a_sync_stores_every_activity_the_provider_lists(case, backend, connection):
    rsps, count = serve(case, backend, connection)
    with rsps:
        sync = sync_once(connection)
    assert sync.status == SyncStatus.SUCCESS
    assert sync.activities_fetched == count
    assert sync.activities_created == count
    assert sync.api_calls >= 1
    assert Activity.objects.filter(connection=connection).count() == count


def test_the_lookback_overlap_creates_nothing_the_second_time(
    case, backend, connection
):
    rsps, count = serve(case, backend, connection)
    with rsps:
        sync_once(connection)
    rsps.reset()
    rsps, count = serve(case, backend, connection)  # since = new last sync - 3 days
    with rsps:
        second = sync_once(connection)
    assert (second.activities_created, second.activities_updated) == (0, count)
    assert Activity.objects.count() == count


@pytest.mark.parametrize("slug", PAGED)
def test_a_failure_mid_pagination_keeps_pages_and_the_retry_completes(
    case, backend, connection, settings
):
    settings.SYNC_RETRY_DELAY = 0
    rsps, count = serve(case, backend, connection)

    def break_the_provider(number, stats):
        if number == 1:
            rsps.reset()
            fail_everything(rsps, status=503)

    with rsps:
        sync = sync_once(connection, progress=break_the_provider)
        rsps.assert_all_requests_are_fired = False
    kept = Activity.objects.count()
    assert sync.status == SyncStatus.PENDING and sync.attempts == 1
    assert 0 < kept < count
    rsps, count = serve(case, backend, connection)
    with rsps:
        sync = resume(sync)
    assert sync.status == SyncStatus.SUCCESS
    assert sync.activities_created == count
    assert Activity.objects.count() == count


def test_a_429_rate_limits_the_run_and_reschedules_it(backend, connection):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fail_everything(rsps, status=429, json={}, headers={"Retry-After": "120"})
        before = timezone.now()
        sync = sync_once(connection)
    assert sync.status == SyncStatus.RATE_LIMITED
    assert sync.error_details["http_status"] == 429
    follow_up = SyncHistory.objects.get(status=SyncStatus.PENDING)
    assert follow_up.next_attempt_at >= before + timedelta(seconds=120)


def test_a_401_flags_the_connection_for_reconnect(backend, connection):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fail_everything(rsps, status=401, json={"message": "Authorization Error"})
        sync = sync_once(connection)
    connection.refresh_from_db()
    assert sync.status == SyncStatus.FAILED
    assert connection.status == "reauth_required"
    assert SyncHistory.objects.count() == 1


def test_a_timeout_is_retried_and_then_completes(case, backend, connection, settings):
    settings.SYNC_RETRY_DELAY = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fail_everything(rsps, body=requests.ReadTimeout("read timed out"))
        sync = sync_once(connection)
    assert sync.status == SyncStatus.PENDING
    assert sync.error_details["retry"]["kind"] == "transient"
    rsps, count = serve(case, backend, connection)
    with rsps:
        sync = resume(sync)
    assert sync.status == SyncStatus.SUCCESS
    assert sync.activities_created == count


def test_a_malformed_item_is_skipped_and_counted(case, backend, connection):
    rsps, count = serve(case, backend, connection)
    normalize = backend.normalize
    seen = []

    def normalize_all_but_the_first(raw):
        seen.append(raw)
        if len(seen) == 1:
            raw = {"unexpected": "shape"}
        return normalize(raw)

    backend.normalize = normalize_all_but_the_first
    with rsps:
        sync = sync_once(connection)
    assert sync.status == SyncStatus.PARTIAL
    assert (sync.activities_skipped, sync.activities_created) == (1, count - 1)
    assert len(sync.error_details["skipped"]) == 1
