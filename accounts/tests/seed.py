"""An athlete holding one of everything Trainlytics keeps about someone."""

from datetime import date

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile

from accounts.models import AccessWithdrawal
from analytics.models import ActivityStreams, AthleteSettings, TrainingLoad
from exports.models import AccountExport, OriginalActivityFile
from planning.models import CalendarFeed, WorkoutDelivery
from providers.models import LegacyImportRecord
from providers.tests.factories import make_connection
from sync.models import (
    ActivityGroupDecision,
    SyncHistory,
    SyncType,
    WebhookEvent,
    Workout,
)
from sync.tests.grouping_helpers import MORNING, record
from trainlytics.models import UserSession


def seed_everything(user):
    """Connections, grouped activities and all that hangs off them; returns the
    connections by provider."""
    n = user.pk
    strava = make_connection(user, "strava", provider_user_id=f"{n}01")
    garmin = make_connection(user, "garmin", provider_user_id=f"{n}02")
    LegacyImportRecord.objects.create(
        source_table="connections", legacy_id=n, digest="d", connection=strava
    )
    SyncHistory.objects.create(connection=strava, sync_type=SyncType.INITIAL)
    # Two copies of one session: the sync path groups them.
    ride = record(strava, f"{n}-s", MORNING, 3600, calories_kcal=600.0)
    record(garmin, f"{n}-g", MORNING, 3600)
    ActivityGroupDecision.objects.create(
        user=user,
        provider_a="garmin",
        provider_activity_id_a=f"{n}-g",
        provider_b="strava",
        provider_activity_id_b=f"{n}-s",
        decision="together",
    )
    workout = Workout.objects.create(
        user=user,
        title="Tempo",
        scheduled_for=date(2026, 5, 3),
        completed_activity=ride,
    )
    WorkoutDelivery.objects.create(
        workout=workout, user=user, connection=garmin, provider="garmin"
    )
    CalendarFeed.objects.create(user=user, token_digest=f"digest-{n}")
    AthleteSettings.objects.update_or_create(user=user, defaults={"max_hr_bpm": 190})
    TrainingLoad.objects.create(
        activity=ride, user=user, day=MORNING.date(), load=80.0, method="trimp"
    )
    ActivityStreams.objects.create(activity=ride, samples=3)
    original = OriginalActivityFile(activity=ride, size_bytes=4)
    original.file.save(f"{n}.fit", ContentFile(b".FIT"), save=True)
    AccountExport.objects.create(user=user)
    AccessWithdrawal.objects.create(user=user, provider="polar")
    _webhook_events(strava, garmin)
    _auth_rows(user)
    return {"strava": strava, "garmin": garmin}


def _webhook_events(strava, garmin):
    WebhookEvent.objects.create(
        provider="strava",
        dedupe_key=f"athlete-{strava.pk}",
        connection=strava,
        provider_user_id=strava.provider_user_id,
        payload={"owner_id": strava.provider_user_id},
    )
    # Stored before the connection existed: no connection, only the account id.
    WebhookEvent.objects.create(
        provider="garmin",
        dedupe_key=f"early-{garmin.pk}",
        provider_user_id=garmin.provider_user_id,
        status="ignored",
    )


def _auth_rows(user):
    athletes, _ = Group.objects.get_or_create(name="Athletes")
    user.groups.add(athletes)
    user.user_permissions.add(Permission.objects.get(codename="view_activity"))
    # A logged-in session, as the login view leaves it.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.create()
    UserSession.objects.create(user=user, session_key=session.session_key)
    user_type = ContentType.objects.get_for_model(user)
    LogEntry.objects.create(
        user=user,
        content_type=user_type,
        object_id=str(user.pk),
        object_repr=user.email,
        action_flag=ADDITION,
    )
