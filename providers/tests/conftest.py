"""Fixtures for the provider tests: one parametrised provider and mocked HTTP."""

import importlib

import pytest
import responses

from providers.registry import BACKENDS, get_backend

SLUGS = [str(slug) for slug in BACKENDS]


@pytest.fixture(params=SLUGS)
def slug(request):
    """Each registered provider in turn."""
    return request.param


@pytest.fixture
def backend(slug):
    return get_backend(slug)


@pytest.fixture
def case(slug):
    """The provider's contract case (providers/tests/contracts/<slug>.py)."""
    return importlib.import_module(f"providers.tests.contracts.{slug}")


@pytest.fixture
def rsps():
    """Provider HTTP mocks; unregistered URLs fail, and so do unused registrations."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def athlete(client, user):
    """The test client, logged in as `user`."""
    client.force_login(user)
    return client
