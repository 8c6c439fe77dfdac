import pytest

from .streams_helpers import backends, queued  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def recent_activities_fetch_streams(settings):
    """The production rule, which the rest of the suite turns off (settings_test)."""
    settings.STREAMS_RECENT_DAYS = 3
