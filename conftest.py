"""Fixtures every app's tests share."""

import copy

import pytest

from providers.tests.factories import make_user


def pytest_configure(config):
    """The French catalog is compiled by `make`; a bare `pytest` compiles it too."""
    from trainlytics.locales import compile_stale

    compile_stale()


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres`, with the reason, when the database is SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def provider_credentials(settings):
    """Every provider configured with test credentials and production URLs."""
    providers = copy.deepcopy(settings.PROVIDERS)
    for slug, conf in providers.items():
        conf["CLIENT_ID"] = f"{slug}-client-id"
        conf["CLIENT_SECRET"] = f"{slug}-client-secret"
    settings.PROVIDERS = providers
    return providers


@pytest.fixture
def export_storage(settings, tmp_path):
    """Exports and kept original files in this test's own directory (returned);
    without it they go to settings_test's shared temporary one."""
    root = tmp_path / "private-exports"
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def user(db):
    return make_user("athlete@example.com")


@pytest.fixture
def other_user(db):
    return make_user("someone.else@example.com")
