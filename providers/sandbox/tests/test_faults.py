"""Fault switches: each provider's way of failing, and the control page."""

import pytest

from providers.sandbox import data, faults
from providers.sandbox.fitbit import SCOPE as GOOGLE_SCOPE
from providers.sandbox.models import Fault

from .helpers import bearer, issue

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]
Kind = Fault.Kind
STRAVA_LIST = "/sandbox/strava/api/v3/athlete/activities"


def strava_page(client, page=1, athlete=1):
    token = issue("strava", athlete=athlete, scopes=["activity:read"])
    return client.get(STRAVA_LIST, {"page": page, "per_page": 2}, **bearer(token))


def test_strava_rate_limit_answers_429_with_usage_headers(client):
    faults.set_fault(1, Kind.RATE_LIMITED, True)
    answer = strava_page(client)
    assert answer.status_code == 429
    assert answer["X-RateLimit-Limit"] == "200,2000"
    assert answer["X-RateLimit-Usage"].split(",")[0] == "201"
    assert "Retry-After" not in answer


def test_wahoo_rate_limit_answers_429_with_its_three_windows(client):
    faults.set_fault(1, Kind.RATE_LIMITED, True)
    token = issue("wahoo", scopes=["workouts_read"])
    answer = client.get("/sandbox/wahoo/v1/workouts", **bearer(token))
    assert answer.status_code == 429
    assert len(answer["X-RateLimit-Remaining"].split(",")) == 3
    assert answer["X-RateLimit-Reset"] == "60"


def test_other_providers_rate_limit_with_retry_after(client):
    faults.set_fault(1, Kind.RATE_LIMITED, True)
    token = issue("fitbit", scopes=[GOOGLE_SCOPE])
    answer = client.get("/sandbox/fitbit/v4/users/me/identity", **bearer(token))
    assert answer.status_code == 429
    assert answer["Retry-After"] == "60"


def test_faults_touch_only_the_athlete_they_were_set_for(client):
    faults.set_fault(1, Kind.SERVER_ERROR, True)
    assert strava_page(client, athlete=1).status_code == 500
    assert strava_page(client, athlete=2).status_code == 200


def test_malformed_fault_answers_json_that_does_not_parse(client):
    faults.set_fault(1, Kind.MALFORMED, True)
    answer = strava_page(client)
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()


def test_revoked_fault_answers_401(client):
    faults.set_fault(1, Kind.REVOKED, True)
    assert strava_page(client).status_code == 401


def test_mid_sync_fault_fails_only_the_second_page(client):
    faults.set_fault(1, Kind.MID_SYNC, True)
    assert strava_page(client, page=1).status_code == 200
    assert strava_page(client, page=2).status_code == 500
    assert strava_page(client, page=3).status_code == 200


def test_slow_fault_sleeps_a_bounded_time(client, monkeypatch):
    slept = []
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    faults.set_fault(1, Kind.SLOW, True)
    assert strava_page(client).status_code == 200
    assert slept == [faults.SLOW_SECONDS]
    assert faults.SLOW_SECONDS <= faults.MAX_SLOW_SECONDS


def test_control_page_lists_the_athletes_and_sets_their_switches(client):
    page = client.get("/sandbox/")
    html = page.content.decode()
    for athlete in data.ATHLETES:
        assert athlete.name in html
    answer = client.post("/sandbox/", {"athlete": 2, "fault": ["slow", "revoked"]})
    assert answer.status_code == 302
    assert faults.active(2) == {"slow", "revoked"}
    client.post("/sandbox/", {"athlete": 2, "fault": ["slow"]})
    assert faults.active(2) == {"slow"}
    assert faults.active(1) == set()
