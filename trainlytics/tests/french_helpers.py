"""An athlete seeded so that every page shows its real content, for the French pages
test (the detectors it runs are in french_detectors.py)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from accounts.models import AccessWithdrawal
from analytics.models import ActivityStreams, AthleteSettings, LoadMethod, TrainingLoad
from analytics.streams import store
from analytics.tests.streams_helpers import ride
from exports.models import AccountExport, ExportStatus
from planning import services as planning
from planning.models import DeliveryStatus, WorkoutDelivery
from providers.models import ConnectionStatus
from providers.sports import SportType
from providers.tests.factories import make_connection
from providers.tokens import REAUTH_DETAIL, REVOKED_DETAIL
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.tests.grouping_helpers import record

# The athlete's own words: French, and never taken for English left in a page.
NAMES = {
    "run": "Sortie longue au bord du canal",
    "ride": "Brevet Paris-Brest-Paris",
    "done": "Footing du jeudi",
    "missed": "Séance de côtes",
    "sent": "Fractionné 5x1000 m",
}


@dataclass
class Seeded:
    user: object
    connections: dict
    activities: dict
    workouts: dict
    export: object
    running_export: object


def seed_athlete(user, ready_export):
    """One of everything the athlete pages show; `ready_export(user)` builds the
    account export (the exports app's own test builder needs a pytest fixture)."""
    user.full_name = "Anaïs Martin"
    user.save()
    AthleteSettings.objects.create(
        user=user, max_hr_bpm=188, resting_hr_bpm=50, ftp_w=250
    )
    connections = {
        "strava": make_connection(user, "strava", scopes=["activity:read_all"]),
        "garmin": make_connection(user, "garmin", scopes=["WORKOUT_IMPORT"]),
        "polar": make_connection(
            user,
            "polar",
            status=ConnectionStatus.REAUTH_REQUIRED,
            status_detail=REAUTH_DETAIL % {"provider": "Polar"},
        ),
        # Withdrawn at Wahoo: its activities deleted, the dashboard says so.
        "wahoo": make_connection(
            user,
            "wahoo",
            status=ConnectionStatus.REVOKED,
            status_detail=REVOKED_DETAIL % {"provider": "Wahoo"},
            access_token="",
        ),
    }
    AccessWithdrawal.objects.create(
        user=user, provider="wahoo", withdrawn_at=_days_ago(3), activities_deleted=4
    )
    activities = _activities(connections)
    _history(connections)
    workouts = _workouts(user, connections["garmin"])
    export = ready_export(user)
    # A second export being prepared: the page shows its progress, htmx polls it.
    running = AccountExport.objects.create(
        user=user, status=ExportStatus.RUNNING, progress=40, step="activities"
    )
    return Seeded(user, connections, activities, workouts, export, running)


def _days_ago(days, hour=7):
    day = timezone.localdate() - timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _activities(connections):
    strava, garmin = connections["strava"], connections["garmin"]
    run_start = _days_ago(2)
    run = record(
        strava,
        "9001",
        run_start,
        3700,
        name=NAMES["run"],
        distance_m=12_345.6,
        elevation_gain_m=85.0,
        avg_hr_bpm=148.0,
        max_hr_bpm=171.0,
        activity_data={"id": 9001, "type": "Run"},
    )
    # The same run from the watch: grouped with Strava's copy.
    record(
        garmin,
        "g-9001",
        run_start + timedelta(seconds=20),
        3690,
        name=NAMES["run"],
        distance_m=12_300.0,
        avg_hr_bpm=147.0,
        calories_kcal=812.0,
        device_name="Forerunner 965",
    )
    ride_activity = record(
        garmin,
        "g-pbp",
        _days_ago(20, hour=5),
        4 * 86400 - 3600,
        sport=SportType.RIDE,
        name=NAMES["ride"],
        distance_m=1_234_500.0,
        elevation_gain_m=11_200.0,
        avg_hr_bpm=122.0,
        device_name="Edge 840",
    )
    store.save(ActivityStreams(activity=ride_activity), ride(3600), "garmin")
    for activity in (run, ride_activity):
        TrainingLoad.objects.update_or_create(
            activity=activity,
            defaults={
                "user": activity.user,
                "day": activity.start_time.date(),
                "load": 95.0,
                "method": LoadMethod.TRIMP,
            },
        )
    # The session's page is its canonical copy's (the other copy's id redirects).
    run.refresh_from_db()  # grouped with the watch's copy since it was written
    run = Activity.objects.get(group_id=run.group_id, is_canonical=True)
    return {"run": run, "ride": ride_activity}


def _history(connections):
    for connection in connections.values():
        SyncHistory.objects.create(
            connection=connection,
            sync_type=SyncType.INITIAL,
            status=SyncStatus.SUCCESS,
            started_at=_days_ago(30),
            completed_at=_days_ago(30) + timedelta(minutes=2),
            activities_fetched=2,
            activities_created=2,
        )
    SyncHistory.objects.create(
        connection=connections["polar"],
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.FAILED,
        started_at=_days_ago(1),
        completed_at=_days_ago(1) + timedelta(seconds=3),
        error_message="Polar refused the access token.",
        error_details={"kind": "reauth_required"},
    )


def _workouts(user, garmin):
    today = timezone.localdate()
    done = planning.create_workout(
        user,
        title=NAMES["done"],
        sport_type=SportType.RUN,
        scheduled_for=today - timedelta(days=2),
        planned_duration_s=3600,
    )
    missed = planning.create_workout(
        user,
        title=NAMES["missed"],
        sport_type=SportType.RUN,
        scheduled_for=today - timedelta(days=1),
        planned_duration_s=2700,
        description="10x30 s en côte, retour en trottinant.",
    )
    sent = planning.create_workout(
        user,
        title=NAMES["sent"],
        sport_type=SportType.RUN,
        scheduled_for=today + timedelta(days=1),
        scheduled_time=time(18, 30),
        structure={
            "steps": [
                {"kind": "warmup", "duration_s": 900},
                {
                    "kind": "repeat",
                    "count": 5,
                    "steps": [
                        {"kind": "interval", "distance_m": 1000},
                        {"kind": "recovery", "duration_s": 120},
                    ],
                },
                {"kind": "cooldown", "duration_s": 600},
            ]
        },
    )
    WorkoutDelivery.objects.create(
        workout=sent,
        user=user,
        connection=garmin,
        provider="garmin",
        external={"workout_id": 81, "schedule_id": 12},
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )
    return {"done": done, "missed": missed, "sent": sent}


def expired_export(user):
    return AccountExport.objects.create(
        user=user,
        status=ExportStatus.EXPIRED,
        progress=100,
        finished_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(days=2),
    )
