"""GET /api/activities/{id}/streams (analytics/api_streams.py)."""

import pytest
from django.utils import timezone

from analytics.models import ActivityStreams, StreamStatus
from analytics.streams import codec, conf, store

from .streams_helpers import ride, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(user):
    return session(user, "strava")["strava"]


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


def url(activity, query=""):
    return f"/api/activities/{activity.pk}/streams{query}"


def test_ready_streams_come_downsampled_by_default(api, activity):
    store.save(ActivityStreams(activity=activity), ride(3600), "strava")

    body = api.get(url(activity)).json()

    assert body["status"] == "ready"
    assert body["source"] == "strava"
    assert body["resolution"] == "low"
    assert set(body["channels"]) == {
        "time", "distance", "latitude", "longitude", "altitude",
        "heartrate", "speed", "power",
    }  # fmt: skip
    assert body["samples"] == len(body["channels"]["time"])
    assert body["samples"] <= codec.LOW_POINTS + 1
    assert body["channels"]["time"][-1] == 3600


def test_high_resolution_has_every_sample(api, activity):
    store.save(ActivityStreams(activity=activity), ride(1200), "strava")

    body = api.get(url(activity, "?resolution=high")).json()

    assert body["samples"] == 1201
    assert body["channels"]["heartrate"] == ride(1200).heartrate_bpm
    assert body["channels"]["time"][:3] == [0, 1, 2]


def test_missing_streams_are_pending_and_queued_at_high_priority(api, activity, queued):
    response = api.get(url(activity))

    row = ActivityStreams.objects.get()
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["channels"] == {}
    assert row.priority == conf.HIGH
    assert queued == [(row.pk, conf.TASK_PRIORITY[conf.HIGH], None)]


def test_unavailable_streams_say_why(api, activity):
    ActivityStreams.objects.create(
        activity=activity,
        status=StreamStatus.UNAVAILABLE,
        source="strava",
        error_message="No detailed data from Strava.",
        fetched_at=timezone.now(),
    )

    body = api.get(url(activity)).json()

    assert body["status"] == "unavailable"
    assert body["message"] == "No detailed data from Strava."


def test_a_failed_fetch_is_unavailable_to_the_client(api, activity):
    ActivityStreams.objects.create(
        activity=activity,
        status=StreamStatus.FAILED,
        error_message="Strava sent detailed data we could not read.",
        fetched_at=timezone.now(),
    )

    assert api.get(url(activity)).json()["status"] == "unavailable"


def test_any_copy_of_a_session_answers_with_its_streams(api, user):
    copies = session(user, "garmin", "strava")
    store.save(ActivityStreams(activity=copies["garmin"]), ride(), "garmin")

    body = api.get(url(copies["strava"])).json()

    assert body["status"] == "ready"
    assert body["source"] == "garmin"


def test_a_bad_resolution_is_a_validation_error(api, activity):
    response = api.get(url(activity, "?resolution=medium"))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "resolution" in response.json()["error"]["message"]
    assert not ActivityStreams.objects.exists()


def test_another_athletes_activity_is_not_found(client, other_user, activity):
    client.force_login(other_user)

    response = client.get(url(activity))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not ActivityStreams.objects.exists()


def test_the_route_needs_a_login(client, activity):
    assert client.get(url(activity)).status_code == 401


def test_the_activity_route_itself_is_still_syncs(api, activity):
    response = api.get(f"/api/activities/{activity.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == activity.pk
    assert "channels" not in response.json()
