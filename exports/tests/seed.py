"""A seeded athlete holding one of everything an export contains."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from analytics.models import ActivityStreams, AthleteSettings
from analytics.streams import store
from analytics.tests.streams_helpers import ride
from exports.originals import keep_original
from planning.models import WorkoutDelivery
from providers.models import ProviderConnection
from providers.sports import SportType
from providers.streams import StreamData
from providers.tests.factories import make_connection
from providers.tests.stream_fixtures import heart_rate_fit
from sync.models import SyncHistory, SyncStatus, SyncType, Workout
from sync.tests.grouping_helpers import record

START = datetime(2026, 4, 11, 7, 0, tzinfo=UTC)


@dataclass
class Seeded:
    user: object
    connections: dict
    activities: dict
    tokens: list = field(default_factory=list)
    fit: bytes = b""
    route_points: int = 0


def seed_athlete(user):
    user.full_name = "Anaïs Example"
    user.save()
    AthleteSettings.objects.create(user=user, max_hr_bpm=188, ftp_w=250)
    connections = {
        provider: make_connection(user, provider, scopes=[f"{provider}:read"])
        for provider in ("strava", "garmin", "polar")
    }
    activities = {
        "strava": record(
            connections["strava"],
            "9001",
            START,
            3600,
            name='Morning run, "easy"',
            distance_m=10012.5,
            avg_hr_bpm=141.0,
            activity_data={"id": 9001, "type": "Run"},
        ),
        "garmin": record(
            connections["garmin"],
            "g-77",
            START + timedelta(days=1),
            5400,
            sport=SportType.RIDE,
            name="Vélo du dimanche",
            device_name="Edge 840",
            activity_data={"summaryId": "g-77"},
        ),
        "polar": record(
            connections["polar"],
            "p-5",
            START + timedelta(days=2),
            1800,
            name=None,
            calories_kcal=321.0,
        ),
    }
    for connection in connections.values():
        SyncHistory.objects.create(
            connection=connection,
            sync_type=SyncType.INITIAL,
            status=SyncStatus.SUCCESS,
            completed_at=START,
            activities_fetched=1,
            activities_created=1,
        )
    workout = Workout.objects.create(
        user=user,
        title="Intervals",
        sport_type=SportType.RUN,
        scheduled_for=date(2026, 4, 20),
        planned_duration_s=3000,
        structure={"steps": [{"kind": "work", "duration_s": 600}]},
    )
    WorkoutDelivery.objects.create(
        workout=workout,
        user=user,
        connection=connections["garmin"],
        provider="garmin",
        external={"workout_id": 81},
        status="sent",
    )
    route = ride(600)
    _streams(activities["garmin"], route, "garmin")
    # Heart rate only, no position: a streams CSV but no GPX.
    _streams(
        activities["polar"],
        StreamData(time_s=[0, 1, 2], heartrate_bpm=[120, 122, 125]),
        "polar",
    )
    fit = heart_rate_fit()
    keep_original(activities["polar"], fit, "fit")
    # Each token as the athlete's provider knows it, and as our column holds it.
    tokens = [
        token
        for c in connections.values()
        for token in (c.access_token, c.refresh_token)
    ] + [
        ciphertext
        for pair in ProviderConnection.objects.filter(user=user).values_list(
            "access_token", "refresh_token"
        )
        for ciphertext in pair
    ]
    return Seeded(user, connections, activities, tokens, fit, len(route.time_s))


def _streams(activity, data, source):
    return ActivityStreams.objects.create(
        activity=activity, **store.ready_fields(data, source)
    )
