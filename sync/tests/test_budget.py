from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sync.models import Activity, ProviderBudget, SyncHistory, SyncStatus, SyncType
from sync.services import budget, run_sync, runner, start_sync
from sync.services.budget import record_usage, spent_until, windows_from_headers

from .fakes import raw_page

NOW = datetime(2026, 5, 4, 10, 7, tzinfo=UTC)


def strava_headers(read_usage, usage=None):
    """Strava's headers (§2.6); reads count towards the overall limit too."""
    return {
        "X-RateLimit-Usage": usage or read_usage,
        "X-RateLimit-Limit": "200,2000",
        "X-ReadRateLimit-Usage": read_usage,
        "X-ReadRateLimit-Limit": "100,1000",
    }


def test_strava_windows_reset_at_the_quarter_hour_and_at_midnight():
    windows = windows_from_headers(strava_headers("12,300"), NOW)
    assert (12, 200, datetime(2026, 5, 4, 10, 15, tzinfo=UTC)) in windows
    assert (12, 100, datetime(2026, 5, 4, 10, 15, tzinfo=UTC)) in windows
    assert (300, 2000, datetime(2026, 5, 5, tzinfo=UTC)) in windows
    assert (300, 1000, datetime(2026, 5, 5, tzinfo=UTC)) in windows


def test_wahoo_windows_come_from_remaining_and_reset_seconds():
    headers = {
        "X-RateLimit-Limit": "5000, 1000, 200",
        "X-RateLimit-Remaining": "4900, 990, 3",
        "X-RateLimit-Reset": "42",
    }
    windows = windows_from_headers(headers, NOW)
    # 42 whole seconds: up to 42.99 at Wahoo (test_budget_reset.py).
    assert (197, 200, NOW + timedelta(seconds=43)) in windows
    assert len(windows) == 3


def test_the_tightest_window_is_recorded(db):
    record_usage("strava", strava_headers("95,120", usage="150,900"), 1, NOW)
    budget = ProviderBudget.objects.get(provider="strava")
    assert (budget.used, budget.limit) == (95, 100)
    assert budget.reset_at == datetime(2026, 5, 4, 10, 15, tzinfo=UTC)


def test_a_spent_daily_window_holds_runs_until_midnight(db):
    record_usage("strava", strava_headers("10,1000"), 1, NOW)
    assert spent_until("strava", NOW) == datetime(2026, 5, 5, tzinfo=UTC)


def test_late_reports_never_lower_usage_within_a_window(db):
    record_usage("strava", strava_headers("50,100"), 1, NOW)
    record_usage("strava", strava_headers("40,90"), 1, NOW)
    assert ProviderBudget.objects.get().used == 50


def test_a_new_window_starts_from_the_headers(db):
    record_usage("strava", strava_headers("90,300"), 1, NOW)
    record_usage("strava", strava_headers("3,303"), 1, NOW + timedelta(minutes=10))
    assert ProviderBudget.objects.get().used == 3


def test_budget_is_spent_once_only_the_reserve_is_left(db, settings):
    settings.SYNC_BUDGET_RESERVE = 0.1
    record_usage("strava", strava_headers("89,89"), 1, NOW)
    assert spent_until("strava", NOW) is None
    record_usage("strava", strava_headers("90,90"), 1, NOW)
    assert spent_until("strava", NOW) == datetime(2026, 5, 4, 10, 15, tzinfo=UTC)
    assert spent_until("strava", NOW + timedelta(minutes=8)) is None


def test_calls_without_headers_count_against_a_known_window(db):
    record_usage("strava", strava_headers("10,10"), 1, NOW)
    record_usage("strava", {}, 5, NOW)
    assert ProviderBudget.objects.get().used == 15


def test_providers_without_headers_have_no_budget(db):
    record_usage("garmin", {}, 5, NOW)
    assert not ProviderBudget.objects.exists()
    assert spent_until("garmin", NOW) is None


def spend(provider, until):
    ProviderBudget.objects.create(
        provider=provider, used=100, limit=100, reset_at=until
    )


def test_a_run_is_deferred_not_failed_while_the_budget_is_spent(
    connection, fake_backend
):
    until = timezone.now() + timedelta(minutes=9)
    spend("strava", until)
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.PENDING
    assert sync.next_attempt_at == until
    assert sync.attempts == 0
    assert fake_backend.since_seen == []


def test_a_run_whose_last_page_spent_the_budget_succeeds(connection, fake_backend):
    """No request is left to make, so nothing waits for the window (bench/scale.py
    saw such runs held and fetched again)."""
    until = timezone.now() + timedelta(minutes=9)

    def spend_after_the_page(number, stats):
        spend("strava", until)

    fake_backend.pages = [raw_page(1, 2)]
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk, progress=spend_after_the_page)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCESS
    assert Activity.objects.count() == 2
    assert not SyncHistory.objects.filter(status=SyncStatus.PENDING).exists()


def test_the_run_checks_its_budget_before_every_request_of_its_session(
    connection, fake_backend
):
    spend("strava", timezone.now() + timedelta(minutes=9))
    sync = start_sync(connection, SyncType.MANUAL)
    attempt = runner._Attempt(sync, fake_backend)

    with pytest.raises(budget.BudgetSpentError):
        attempt.http.get("https://fake.example/api/athlete/activities")
    assert attempt.http.calls == 0


def test_a_run_stops_between_pages_when_the_budget_runs_out(connection, fake_backend):
    until = timezone.now() + timedelta(minutes=9)

    def spend_after_first_page(number, stats):
        spend("strava", until)

    fake_backend.pages = [raw_page(1, 2), raw_page(3, 2)]
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk, progress=spend_after_first_page)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.RATE_LIMITED
    assert sync.error_details["kind"] == "budget_spent"
    assert Activity.objects.count() == 2
    follow_up = SyncHistory.objects.get(status=SyncStatus.PENDING)
    assert follow_up.next_attempt_at == until
