"""Builders for the grouping tests: provider copies written as a sync writes them."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.models import Activity
from sync.services import upsert_activities

MORNING = datetime(2026, 5, 3, 6, 12, 4, tzinfo=UTC)


def connections(user, *providers):
    return {provider: make_connection(user, provider) for provider in providers}


def record(connection, activity_id, start, seconds, sport=SportType.RUN, **fields):
    """One provider copy, upserted through the sync path (so it is grouped)."""
    now = timezone.now()
    activity = Activity(
        user_id=connection.user_id,
        connection=connection,
        provider=connection.provider,
        provider_activity_id=str(activity_id),
        sport_type=sport,
        start_time=start,
        elapsed_time_s=seconds,
        created_at=now,
        updated_at=now,
        **fields,
    )
    upsert_activities(connection.provider, [activity])
    return Activity.objects.get(
        provider=connection.provider, provider_activity_id=str(activity_id)
    )


def partition(user):
    """The user's sessions as a set of frozensets of (provider, provider id)."""
    sessions = {}
    for activity in Activity.objects.filter(user=user):
        key = activity.group_id or f"alone-{activity.pk}"
        sessions.setdefault(key, set()).add(
            (activity.provider, activity.provider_activity_id)
        )
    return {frozenset(members) for members in sessions.values()}


def visible(user):
    """What the athlete sees: (provider, provider id) of canonical copies."""
    return sorted(
        Activity.objects.filter(user=user, is_canonical=True).values_list(
            "provider", "provider_activity_id"
        )
    )


def later(start, **delta):
    return start + timedelta(**delta)
