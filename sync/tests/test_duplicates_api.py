"""The API's view of one session recorded by several providers (issue 10)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sync.models import Activity
from sync.queries import period_starts

from .grouping_helpers import MORNING, connections, later, record

SECRET_WORDS = ("token", "secret", "password")


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def triple(user):
    c = connections(user, "garmin", "strava", "fitbit")
    garmin = record(c["garmin"], "g1", MORNING, 3600, distance_m=10000.0)
    strava = record(
        c["strava"], "s1", later(MORNING, seconds=30), 3600, calories_kcal=700.0
    )
    fitbit = record(c["fitbit"], "f1", later(MORNING, seconds=50), 3560)
    return garmin, strava, fitbit


def keys(value):
    """Every key of a JSON document, nested ones included."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_activities_list_a_session_once_with_all_its_providers(api, user, triple):
    garmin, *_ = triple
    record(connections(user, "polar")["polar"], "p1", later(MORNING, days=1), 1800)

    items = api.get("/api/activities").json()["items"]

    assert [(i["provider"], i["providers"]) for i in items] == [
        ("polar", ["polar"]),
        ("garmin", ["garmin", "fitbit", "strava"]),
    ]
    assert items[1]["id"] == garmin.pk


def test_activities_filtered_by_provider_name_that_copys_provider_first(api, triple):
    _, strava, _ = triple
    [item] = api.get("/api/activities", {"provider": "strava"}).json()["items"]
    assert item["id"] == strava.pk
    assert item["providers"] == ["strava", "garmin", "fitbit"]


def test_activity_detail_includes_every_copy_canonical_first(api, triple):
    garmin, strava, fitbit = triple

    body = api.get(f"/api/activities/{strava.pk}").json()

    assert body["id"] == strava.pk
    assert body["providers"] == ["strava", "garmin", "fitbit"]
    copies = [
        (c["id"], c["provider"], c["is_canonical"], c["calories_kcal"])
        for c in body["copies"]
    ]
    assert copies == [
        (garmin.pk, "garmin", True, None),
        (fitbit.pk, "fitbit", False, None),
        (strava.pk, "strava", False, 700.0),
    ]
    assert body["copies"][0]["distance_m"] == 10000.0
    assert "activity_data" not in body["copies"][0]


def test_activity_detail_of_a_lone_activity_has_itself_as_only_copy(api, user):
    polar = record(connections(user, "polar")["polar"], "p1", MORNING, 1800)
    body = api.get(f"/api/activities/{polar.pk}").json()
    assert body["providers"] == ["polar"]
    assert [c["id"] for c in body["copies"]] == [polar.pk]


def test_activity_responses_carry_no_secret_fields(api, triple):
    garmin, *_ = triple
    for url in ("/api/activities", f"/api/activities/{garmin.pk}"):
        body = api.get(url).json()
        assert not {k for k in keys(body) if any(w in k for w in SECRET_WORDS)}


def test_another_athletes_activity_detail_is_not_found(api, other_user):
    theirs = record(connections(other_user, "garmin")["garmin"], "x", MORNING, 60)
    assert api.get(f"/api/activities/{theirs.pk}").status_code == 404


def test_summary_totals_are_unchanged_by_duplicates(api, user):
    c = connections(user, "garmin", "strava", "wahoo")
    # Inside this week even just after Monday midnight.
    week_start, _ = period_starts()
    start = max(week_start, timezone.now() - timedelta(minutes=90))
    record(c["garmin"], "g", start, 3600, distance_m=12000.0, moving_time_s=3500)
    before = api.get("/api/providers/summary").json()

    record(c["strava"], "s", later(start, seconds=20), 3590, distance_m=11900.0)
    record(c["wahoo"], "w", later(start, seconds=40), 3580, distance_m=12100.0)
    after = api.get("/api/providers/summary").json()

    assert Activity.objects.filter(user=user).count() == 3
    assert after["totals"] == before["totals"]
    assert after["totals"]["week"]["distance_m"] == 12000.0
    assert after["total_activities"] == before["total_activities"] == 1


def test_openapi_schema_still_builds_with_copies(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert "providers" in schemas["ActivityOut"]["properties"]
    assert "copies" in schemas["ActivityDetailOut"]["properties"]
