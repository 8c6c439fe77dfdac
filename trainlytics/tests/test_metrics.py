"""GET /metrics: Prometheus text for a bearer of METRICS_TOKEN, and what moves it."""

from datetime import timedelta

import pytest
import requests
import responses
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY, Counter, values
from prometheus_client.parser import text_string_to_metric_families

from providers.errors import RateLimitedError, TransientProviderError
from providers.http import make_session
from providers.tests.factories import make_connection
from sync.models import ProviderBudget, SyncStatus, SyncType
from sync.services import run_sync, start_sync
from sync.tests.fakes import FakeBackend, raw_page
from sync.tests.test_webhooks_wahoo import summary_event
from sync.tests.webhook_helpers import deliver
from trainlytics.ops import gauges, metrics

URL = "/metrics"
TOKEN = "scrape-secret-0f3c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


@pytest.fixture
def fake_backend(monkeypatch):
    backend = FakeBackend()
    monkeypatch.setattr("sync.services.runner.get_backend", lambda slug: backend)
    return backend


def sample(name, **labels):
    """This process's value of one sample (0 before it was ever recorded)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client):
    response = client.get(URL, headers=AUTH)
    assert response.status_code == 200
    families = text_string_to_metric_families(response.content.decode())
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families
        for s in family.samples
    }


def run(connection):
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk)
    sync.refresh_from_db()
    return sync


def test_metrics_are_not_found_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(URL, headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_a_missing_or_wrong_token_is_refused(client, headers):
    response = client.get(URL, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert TOKEN.encode() not in response.content


@pytest.mark.django_db
def test_the_token_bearer_gets_parseable_prometheus_text(client):
    response = client.get(URL, headers=AUTH)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = scrape(client)
    assert samples[("trainlytics_metrics_database_up", ())] == 1
    assert samples[("trainlytics_task_queue_depth", (("queue", "default"),))] == 0
    assert not response.cookies


@pytest.mark.django_db
def test_a_finished_sync_counts_its_run_duration_and_activities(
    client, user, fake_backend
):
    connection = make_connection(user, "strava")
    fake_backend.pages = [raw_page(1, 3)]
    runs = sample("trainlytics_sync_runs_total", provider="strava", status="success")
    timed = sample("trainlytics_sync_run_duration_seconds_count", provider="strava")
    created = sample(
        "trainlytics_activities_written_total", provider="strava", result="created"
    )

    assert run(connection).status == SyncStatus.SUCCESS

    samples = scrape(client)
    key = (("provider", "strava"), ("status", "success"))
    assert samples[("trainlytics_sync_runs_total", key)] == runs + 1
    count = ("trainlytics_sync_run_duration_seconds_count", (("provider", "strava"),))
    assert samples[count] == timed + 1
    written = (("provider", "strava"), ("result", "created"))
    assert samples[("trainlytics_activities_written_total", written)] == created + 3


@pytest.mark.django_db
def test_a_failing_metric_never_breaks_a_sync(user, fake_backend, monkeypatch):
    class Broken:
        def labels(self, *args):
            raise RuntimeError("metrics are down")

    monkeypatch.setattr(metrics, "SYNC_RUNS", Broken())
    fake_backend.pages = [raw_page(1, 2)]

    assert run(make_connection(user, "strava")).status == SyncStatus.SUCCESS


@responses.activate
def test_provider_calls_and_errors_are_counted_by_status():
    api = "https://www.polarflow.example/v3"
    responses.get(f"{api}/ok", json={})
    responses.get(f"{api}/busy", status=429, headers={"Retry-After": "60"})
    responses.get(f"{api}/slow", body=requests.ReadTimeout())
    before = {
        status: (
            sample(
                "trainlytics_provider_http_requests_total",
                provider="polar",
                status=status,
            ),
            sample(
                "trainlytics_provider_http_errors_total",
                provider="polar",
                status=status,
            ),
        )
        for status in ("200", "429", "timeout")
    }
    session = make_session("polar")

    session.get(f"{api}/ok")
    with pytest.raises(RateLimitedError):
        session.get(f"{api}/busy")
    with pytest.raises(TransientProviderError):
        session.get(f"{api}/slow")

    for status, errors in (("200", 0), ("429", 1), ("timeout", 1)):
        calls, failed = before[status]
        labels = {"provider": "polar", "status": status}
        assert sample("trainlytics_provider_http_requests_total", **labels) == calls + 1
        assert (
            sample("trainlytics_provider_http_errors_total", **labels)
            == failed + errors
        )


@pytest.mark.django_db
@pytest.mark.urls("trainlytics.urls")
def test_webhook_events_are_counted_received_processed_and_rejected(
    client, user, settings
):
    settings.WAHOO_WEBHOOK_TOKEN = "wahoo-hook-token"
    make_connection(user, "wahoo", provider_user_id="60462")
    name = "trainlytics_webhook_events_total"
    outcomes = ("received", "processed", "duplicate", "rejected")
    before = {o: sample(name, provider="wahoo", outcome=o) for o in outcomes}

    with responses.RequestsMock():  # the summary is inline: no provider call
        deliver(client, "/webhooks/wahoo/", summary_event())
        deliver(client, "/webhooks/wahoo/", summary_event())
        deliver(client, "/webhooks/wahoo/", summary_event(token="forged"))

    moved = {o: sample(name, provider="wahoo", outcome=o) - before[o] for o in outcomes}
    assert moved == {"received": 1, "processed": 1, "duplicate": 1, "rejected": 1}


@pytest.mark.django_db
def test_no_label_carries_an_email_or_a_token(client, user, fake_backend):
    connection = make_connection(user, "strava")
    fake_backend.pages = [raw_page(1, 1)]
    run(connection)

    text = client.get(URL, headers=AUTH).content.decode()
    for secret in (
        user.email,
        connection.access_token,
        connection.refresh_token,
        TOKEN,
    ):
        assert secret not in text
    assert "@" not in text


@pytest.mark.django_db
def test_scrape_time_gauges_read_budgets_queue_and_active_runs(client, user, settings):
    settings.SYNC_BUDGET_RESERVE = 0.1
    now = timezone.now()
    ProviderBudget.objects.create(
        provider="strava", used=40, limit=100, reset_at=now + timedelta(minutes=10)
    )
    ProviderBudget.objects.create(provider="garmin", used=3)  # no window known
    enqueue(now - timedelta(seconds=120))
    enqueue(now - timedelta(seconds=300), run_after=now - timedelta(seconds=60))
    enqueue(now, run_after=now + timedelta(hours=1))  # deferred: not ready yet
    start_sync(make_connection(user, "polar"), SyncType.SCHEDULED)

    samples = scrape(client)

    strava = (("provider", "strava"),)
    assert samples[("trainlytics_provider_budget_remaining", strava)] == 50
    assert samples[("trainlytics_provider_budget_limit", strava)] == 100
    assert 590 < samples[("trainlytics_provider_budget_reset_seconds", strava)] <= 600
    assert ("trainlytics_provider_budget_remaining", (("provider", "garmin"),)) not in (
        samples
    )
    default = (("queue", "default"),)
    assert samples[("trainlytics_task_queue_depth", default)] == 2
    age = samples[("trainlytics_task_queue_oldest_ready_age_seconds", default)]
    assert 120 <= age < 130
    active = "trainlytics_sync_runs_active"
    assert samples[(active, (("provider", "polar"), ("status", "pending")))] == 1
    assert samples[(active, (("provider", "polar"), ("status", "running")))] == 0
    assert samples[(active, (("provider", "strava"), ("status", "pending")))] == 0


def enqueue(enqueued_at, run_after=None):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="sync.tasks.run_sync_task",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)


@pytest.mark.django_db
def test_multiprocess_mode_adds_up_every_process_files(client, monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for pid, runs in ((101, 2), (102, 3)):
        # What two gunicorn or db_worker processes would write.
        value_class = values.MultiProcessValue(
            process_identifier=lambda pid=pid: metrics.process_id(pid)
        )
        monkeypatch.setattr(values, "ValueClass", value_class)
        counter = Counter(
            "trainlytics_sync_runs", "Runs.", ["provider", "status"], registry=None
        )
        counter.labels("coros", "failed").inc(runs)
        value_class.close_all_files()

    samples = scrape(client)

    key = (("provider", "coros"), ("status", "failed"))
    assert samples[("trainlytics_sync_runs_total", key)] == 5
    assert (tmp_path / f"counter_{metrics.process_id(101)}.db").exists()
    assert samples[("trainlytics_metrics_database_up", ())] == 1


@pytest.mark.django_db
def test_a_database_the_scrape_cannot_read_shows_as_down_not_as_a_500(
    client, monkeypatch
):
    def unreachable(now):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(gauges, "budget_families", unreachable)
    samples = scrape(client)

    assert samples[("trainlytics_metrics_database_up", ())] == 0
    assert ("trainlytics_task_queue_depth", (("queue", "default"),)) not in samples
