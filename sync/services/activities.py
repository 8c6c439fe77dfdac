"""Writing activities: one upsert statement per page, keyed by the provider's id."""

from dataclasses import fields

from django.db import transaction

from providers.backends.base import ActivityData

from ..grouping import group_page
from ..models import Activity

DATA_FIELDS = [f.name for f in fields(ActivityData)]
# Everything but the natural key and created_at, so a re-sync refreshes edits and a
# reconnected account re-adopts activities kept from an earlier connection.
UPDATE_FIELDS = [
    *(name for name in DATA_FIELDS if name != "provider_activity_id"),
    "user",
    "connection",
    "updated_at",
]


def data_values(data):
    """An ActivityData's fields as a dict (shallow: the payload is not copied)."""
    return {name: getattr(data, name) for name in DATA_FIELDS}


def build_activity(connection, data, now):
    values = data_values(data)
    return Activity(
        user_id=connection.user_id,
        connection=connection,
        provider=connection.provider,
        created_at=now,
        updated_at=now,
        **values,
    )


def upsert_activities(provider, activities):
    """Insert or update `activities` of one provider; return (created, updated).

    One indexed read finds the ids we already hold, then one INSERT ... ON CONFLICT
    DO UPDATE writes the page. Ids must be unique within the list (PostgreSQL cannot
    update one row twice in a statement). The page is then grouped with the other
    providers' copies of the same sessions (sync.grouping), in the same transaction.
    """
    if not activities:
        return 0, 0
    ids = [activity.provider_activity_id for activity in activities]
    with transaction.atomic():
        existing = set(
            Activity.objects.filter(
                provider=provider, provider_activity_id__in=ids
            ).values_list("provider_activity_id", flat=True)
        )
        Activity.objects.bulk_create(
            activities,
            update_conflicts=True,
            unique_fields=["provider", "provider_activity_id"],
            update_fields=UPDATE_FIELDS,
        )
        group_page(activities)
    return len(ids) - len(existing), len(existing)


def delete_connection_activities(connection):
    """Forget a connection's activities (the athlete chose not to keep them)."""
    deleted, _ = Activity.objects.filter(connection=connection).delete()
    return deleted
