import pytest

from providers.tests.factories import make_connection

from .fakes import FakeBackend


@pytest.fixture
def connection(user):
    return make_connection(user, "strava")


@pytest.fixture
def fake_backend(monkeypatch):
    """The backend run_sync uses for every provider, in place of the registry's."""
    backend = FakeBackend()
    monkeypatch.setattr("sync.services.runner.get_backend", lambda slug: backend)
    return backend
