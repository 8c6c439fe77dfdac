from datetime import date

import pytest

from planning import matching


@pytest.fixture
def before_the_days(monkeypatch):
    """Matching believes it is 1 May 2026: the days the tests plan are to come."""
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 1))
