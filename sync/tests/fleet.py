"""A fleet of athletes with connections and run history, built in a few bulk inserts
(the admin tests need 1,000 connections and 10,000 runs)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from providers.models import ConnectionStatus, Provider, ProviderConnection
from sync.models import SyncHistory, SyncStatus, SyncType

CONNECTIONS = 1_000
RUNS_PER_CONNECTION = 10
FINISHED = [SyncStatus.SUCCESS, SyncStatus.FAILED, SyncStatus.PARTIAL, "rate_limited"]


def access_token(i):
    return f"fleet-access-token-{i:05d}"


def refresh_token(i):
    return f"fleet-refresh-token-{i:05d}"


def failure(i):
    return f"Strava 500 for activity {i} at 2026-01-01T10:00:{i % 60:02d}Z"


def build_fleet(connections=CONNECTIONS, runs_each=RUNS_PER_CONNECTION):
    """Athletes, their connections and their run history, in a few bulk inserts."""
    password = make_password(None)
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"fleet{i}@example.com", password=password)
        for i in range(connections)
    )
    providers = list(Provider.values)
    fleet = ProviderConnection.objects.bulk_create(
        ProviderConnection(
            user=user,
            provider=providers[i % len(providers)],
            provider_user_id=str(10_000 + i),
            access_token=access_token(i),
            refresh_token=refresh_token(i),
            token_expires_at=timezone.now() + timedelta(hours=1),
            status=(ConnectionStatus.REAUTH_REQUIRED if i % 10 == 0 else "active"),
            is_active=i % 7 != 0,
        )
        for i, user in enumerate(users)
    )
    now = timezone.now()
    SyncHistory.objects.bulk_create(
        SyncHistory(
            connection=connection,
            sync_type=SyncType.SCHEDULED,
            status=FINISHED[(i + r) % len(FINISHED)],
            started_at=now - timedelta(hours=r * 20 + i % 5),
            completed_at=now - timedelta(hours=r * 20 + i % 5) + timedelta(minutes=1),
            error_message=failure(i * 100 + r)
            if FINISHED[(i + r) % len(FINISHED)] == SyncStatus.FAILED
            else "",
        )
        for i, connection in enumerate(fleet)
        for r in range(runs_each)
    )
    return fleet
