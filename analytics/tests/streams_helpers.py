"""A fake streams backend and builders for the streams tests (no HTTP)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from providers.streams import StreamData
from providers.tests.factories import make_connection
from sync.tests.fakes import FakeBackend
from sync.tests.grouping_helpers import record

OLD_MORNING = datetime(2025, 5, 3, 6, 0, tzinfo=UTC)


def ride(seconds=600, *, power=True, gps=True):
    """StreamData of a steady ride at 8 m/s, one sample a second."""
    time_s = list(range(seconds + 1))
    return StreamData(
        time_s=time_s,
        distance_m=[8.0 * t for t in time_s],
        latitude=[52.0 + t * 1e-5 for t in time_s] if gps else None,
        longitude=[4.0 + t * 1e-5 for t in time_s] if gps else None,
        altitude_m=[10 + t * 0.01 for t in time_s],
        heartrate_bpm=[120 + t % 30 for t in time_s],
        speed_m_s=[8.0] * len(time_s),
        power_w=[200 + t % 50 for t in time_s] if power else None,
    )


class StreamsBackend(FakeBackend):
    """Answers fetch_streams with `results` in turn (StreamData, None, or an
    exception to raise), a ride() once they run out; remembers every call."""

    has_streams = True

    def __init__(self, slug, results=(), has_streams=True):
        super().__init__()
        self.slug, self.name = slug, slug.title()
        self.has_streams = has_streams
        self.results = list(results)
        self.calls = []

    def fetch_streams(self, http, credentials, request):
        http.calls += 1  # what a real request through the session would count
        self.calls.append((credentials.access_token, request.provider_activity_id))
        result = self.results.pop(0) if self.results else ride()
        if isinstance(result, BaseException):
            raise result
        return result


@pytest.fixture
def backends(monkeypatch):
    """slug -> StreamsBackend, used wherever streams fetching asks the registry."""
    found = {}

    def get_backend(slug):
        return found.setdefault(slug, StreamsBackend(slug))

    monkeypatch.setattr("analytics.streams.sources.get_backend", get_backend)
    return found


@pytest.fixture
def queued(monkeypatch):
    """Every fetch enqueued, as (row id, task priority, run_after)."""
    calls = []

    def enqueue_after_commit(task, object_id, run_after=None):
        calls.append((object_id, task.priority, run_after))

    monkeypatch.setattr(
        "analytics.streams.queue.enqueue_after_commit", enqueue_after_commit
    )
    return calls


def session(user, *providers, start=OLD_MORNING):
    """One session recorded by each of `providers` (grouped by sync); returns
    {provider: its copy}, reloaded after grouping."""
    copies = {}
    for n, provider in enumerate(providers):
        connection = make_connection(user, provider)
        record(connection, f"{provider}-{start:%Y%m%d%H%M}-{n}", start, 3600)
    from sync.models import Activity

    for copy in Activity.objects.filter(user=user, start_time=start):
        copies[copy.provider] = copy
    return copies


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)
