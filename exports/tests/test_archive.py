"""The export zip of a seeded athlete, checked file by file."""

import csv
import io
import json

import gpxpy
import pytest

from exports.models import ExportStatus
from providers.streamfiles import parse_gpx
from sync.models import Activity

from .helpers import build, open_zip
from .seed import seed_athlete

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(user):
    return seed_athlete(user)


@pytest.fixture
def archive(seeded, django_capture_on_commit_callbacks):
    export = build(seeded.user, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY
    return open_zip(export)


def read_json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


def test_the_zip_holds_one_file_per_kind_and_per_activity_with_data(seeded, archive):
    garmin = seeded.activities["garmin"]
    polar = seeded.activities["polar"]
    garmin_name = f"{garmin.start_time:%Y-%m-%d_%H%M%S}_{garmin.pk}"
    polar_name = f"{polar.start_time:%Y-%m-%d_%H%M%S}_{polar.pk}"

    assert sorted(archive.namelist()) == sorted(
        [
            "profile.json",
            "connections.json",
            "activities.json",
            "activities.csv",
            "sync_history.json",
            "workouts.json",
            f"streams/{garmin_name}.csv",
            f"gpx/{garmin_name}.gpx",
            f"streams/{polar_name}.csv",
            f"originals/{polar_name}_polar.fit",
        ]
    )
    assert archive.testzip() is None


def test_the_profile_says_who_the_athlete_is(archive):
    profile = read_json(archive, "profile.json")

    assert profile["email"] == "athlete@example.com"
    assert profile["full_name"] == "Anaïs Example"
    assert profile["athlete_settings"]["max_hr_bpm"] == 188
    assert "password" not in profile


def test_connections_give_accounts_and_scopes_but_no_token(seeded, archive):
    connections = read_json(archive, "connections.json")

    assert [
        (c["provider"], c["provider_user_id"], c["scopes"]) for c in connections
    ] == [
        (c.provider, c.provider_user_id, c.scopes)
        for c in sorted(seeded.connections.values(), key=lambda c: c.provider)
    ]
    assert all(c["status"] == "active" and c["created_at"] for c in connections)
    assert not {"access_token", "refresh_token", "token_expires_at"} & set(
        connections[0]
    )


def test_no_token_appears_anywhere_in_the_zip(seeded, archive):
    assert len(set(seeded.tokens)) == 12
    for name in archive.namelist():
        content = archive.read(name)
        for token in seeded.tokens:
            assert token.encode() not in content, f"{name} holds a token"


def test_activities_json_has_every_activity_with_its_raw_payload(seeded, archive):
    activities = read_json(archive, "activities.json")

    assert [a["provider"] for a in activities] == ["strava", "garmin", "polar"]
    strava = activities[0]
    assert strava["id"] == seeded.activities["strava"].pk
    assert strava["name"] == 'Morning run, "easy"'
    assert strava["distance_m"] == 10012.5
    assert strava["activity_data"] == {"id": 9001, "type": "Run"}
    assert strava["start_time"] == "2026-04-11T07:00:00Z"
    assert activities[2]["name"] is None


def test_activities_csv_matches_the_stored_activities(user, seeded, archive):
    text = archive.read("activities.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    stored = Activity.objects.filter(user=user).order_by("start_time")
    assert len(rows) == stored.count() == 3
    for row, activity in zip(rows, stored, strict=True):
        assert int(row["id"]) == activity.pk
        assert row["provider"] == activity.provider
        assert row["provider_activity_id"] == activity.provider_activity_id
        assert row["sport_type"] == activity.sport_type
        assert row["name"] == (activity.name or "")
        assert row["start_time"] == activity.start_time.isoformat()
        assert row["elapsed_time_s"] == str(activity.elapsed_time_s)
    assert rows[0]["distance_m"] == "10012.5"
    assert rows[1]["device_name"] == "Edge 840"
    # Missing values are empty cells, never 0.
    assert rows[2]["distance_m"] == ""
    assert "activity_data" not in rows[0]


def test_sync_history_lists_each_run_with_its_provider(archive):
    runs = read_json(archive, "sync_history.json")

    assert sorted(r["provider"] for r in runs) == ["garmin", "polar", "strava"]
    assert {r["status"] for r in runs} == {"success"}
    assert all(r["activities_created"] == 1 for r in runs)


def test_workouts_come_with_where_they_were_sent(archive):
    (workout,) = read_json(archive, "workouts.json")

    assert workout["title"] == "Intervals"
    assert workout["scheduled_for"] == "2026-04-20"
    assert workout["structure"] == {"steps": [{"kind": "work", "duration_s": 600}]}
    assert workout["deliveries"] == [
        {
            "provider": "garmin",
            "status": "sent",
            "external": {"workout_id": 81},
            "sent_at": None,
            "error_message": "",
        }
    ]


def test_the_gpx_track_parses_with_one_point_per_sample(seeded, archive):
    (name,) = [n for n in archive.namelist() if n.endswith(".gpx")]
    gpx = gpxpy.parse(archive.read(name).decode("utf-8"))

    points = [p for t in gpx.tracks for s in t.segments for p in s.points]
    assert len(points) == seeded.route_points == 601
    assert points[0].time.isoformat() == "2026-04-12T07:00:00+00:00"
    assert (points[0].latitude, points[0].longitude) == (52.0, 4.0)
    assert points[-1].time.isoformat() == "2026-04-12T07:10:00+00:00"
    # Heart rate travels in Garmin's extension, which our own reader takes back.
    assert parse_gpx(archive.read(name)).heartrate_bpm[:3] == [120, 121, 122]


def test_the_streams_csv_has_every_sample_and_channel(seeded, archive):
    polar = seeded.activities["polar"]
    name = f"streams/{polar.start_time:%Y-%m-%d_%H%M%S}_{polar.pk}.csv"
    rows = list(csv.reader(io.StringIO(archive.read(name).decode(), newline="")))

    assert rows == [
        ["time", "time_s", "heartrate_bpm"],
        ["2026-04-13T07:00:00+00:00", "0.0", "120"],
        ["2026-04-13T07:00:01+00:00", "1.0", "122"],
        ["2026-04-13T07:00:02+00:00", "2.0", "125"],
    ]


def test_the_original_fit_file_is_given_back_byte_for_byte(seeded, archive):
    (name,) = [n for n in archive.namelist() if n.startswith("originals/")]

    assert archive.read(name) == seeded.fit
