"""GET /api/analytics/fitness, GET /api/analytics/records, GET/PATCH
/api/athlete/settings: the athlete's own data, the project's error shape."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from analytics.models import AthleteSettings
from planning.tests.api_helpers import assert_error, call

from .load_helpers import load_on, stored

FITNESS = "/api/analytics/fitness"
RECORDS = "/api/analytics/records"
SETTINGS = "/api/athlete/settings"


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


def test_fitness_has_one_row_per_day_with_load_ctl_atl_and_tsb(api, user):
    load_on(user, date(2026, 3, 1), 100.0)
    load_on(user, date(2026, 3, 3), 50.0)
    response = api.get(FITNESS, {"from": "2026-03-01", "to": "2026-03-03"})
    assert response.status_code == 200
    rows = response.json()
    assert [r["date"] for r in rows] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert [r["load"] for r in rows] == [100.0, 0.0, 50.0]
    # The worked example of test_fitness.
    assert rows[2]["ctl"] == pytest.approx(3.41983, abs=1e-5)
    assert rows[2]["atl"] == pytest.approx(16.65993, abs=1e-5)
    assert rows[2]["tsb"] == pytest.approx(-9.24259, abs=1e-5)


def test_fitness_defaults_to_the_last_90_days(api):
    rows = api.get(FITNESS).json()
    assert len(rows) == 90
    assert rows[-1]["date"] == datetime.now(UTC).date().isoformat()


def test_fitness_refuses_more_than_two_years(api):
    response = api.get(FITNESS, {"from": "2024-01-01", "to": "2026-01-01"})
    assert_error(response, 400, "range_too_long")


def test_fitness_refuses_an_end_before_the_start(api):
    response = api.get(FITNESS, {"from": "2026-03-02", "to": "2026-03-01"})
    assert_error(response, 400, "invalid_range")


def test_fitness_refuses_a_date_that_is_not_one(api):
    assert_error(api.get(FITNESS, {"from": "yesterday"}), 400, "validation_error")


def test_fitness_never_shows_another_athletes_loads(api, other_user):
    load_on(other_user, date(2026, 3, 1), 100.0)
    rows = api.get(FITNESS, {"from": "2026-03-01", "to": "2026-03-01"}).json()
    assert rows[0]["load"] == 0


def test_records_list_each_family_with_its_record_sessions(api, user):
    run = stored(user, datetime(2026, 3, 1, tzinfo=UTC), distance_m=10000.0)
    body = api.get(RECORDS).json()
    assert len(body) == 1
    assert body[0]["family"] == "run"
    assert body[0]["distance"]["id"] == run.pk
    assert body[0]["distance"]["distance_m"] == 10000.0
    assert body[0]["duration"]["seconds"] == 3600
    assert body[0]["efforts"] == []


def test_records_never_show_another_athletes_sessions(api, other_user):
    stored(other_user, datetime(2026, 3, 1, tzinfo=UTC), distance_m=10000.0)
    assert api.get(RECORDS).json() == []


def test_settings_start_blank_with_what_is_used_instead(api):
    body = api.get(SETTINGS).json()
    assert body["resting_hr_bpm"] is None
    assert body["hr_zones"] == []
    assert body["units"] == "metric"
    assert (body["resting_hr_in_use"], body["max_hr_in_use"]) == (60, 190)
    assert body["zones_in_use"] == [114, 133, 152, 171]


def test_patch_changes_only_the_fields_given(api, user):
    call(api, "patch", SETTINGS, {"max_hr_bpm": 185})
    response = call(api, "patch", SETTINGS, {"ftp_w": 240, "units": "imperial"})
    assert response.status_code == 200
    body = response.json()
    assert (body["max_hr_bpm"], body["ftp_w"], body["units"]) == (185, 240, "imperial")
    assert body["zones_in_use"] == [111, 130, 148, 166]
    saved = AthleteSettings.objects.get(user=user)
    assert (saved.max_hr_bpm, saved.ftp_w) == (185, 240)


def test_patch_null_clears_a_setting(api, user):
    call(api, "patch", SETTINGS, {"ftp_w": 240})
    body = call(api, "patch", SETTINGS, {"ftp_w": None}).json()
    assert body["ftp_w"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"resting_hr_bpm": 20},
        {"max_hr_bpm": 300},
        {"resting_hr_bpm": 80, "max_hr_bpm": 75},
        {"hr_zones": [150, 140, 160, 170]},
        {"ftp_w": 5000},
        {"units": "cubits"},
        {"units": None},
    ],
)
def test_patch_refuses_bad_settings_with_invalid_settings(api, user, body):
    assert_error(call(api, "patch", SETTINGS, body), 422, "invalid_settings")
    assert not AthleteSettings.objects.filter(user=user).exists()


def test_patch_needs_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert_error(call(client, "patch", SETTINGS, {"ftp_w": 200}), 403, "csrf_failed")


@pytest.mark.parametrize("path", [FITNESS, RECORDS, SETTINGS])
def test_every_route_needs_a_login(client, db, path):
    assert_error(client.get(path), 401, "not_authenticated")


def test_the_routes_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/analytics/fitness"])
    assert {"get"} <= set(paths["/api/analytics/records"])
    assert {"get", "patch"} <= set(paths["/api/athlete/settings"])


def test_fitness_rows_have_exactly_the_documented_shape(api, user):
    from analytics.api import FitnessDayOut

    load_on(user, date(2026, 3, 1), 100.0)
    rows = api.get(FITNESS, {"from": "2026-03-01", "to": "2026-03-02"}).json()
    for row in rows:
        assert set(row) == set(FitnessDayOut.model_fields)
        FitnessDayOut.model_validate(row)
