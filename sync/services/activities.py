"""Writing activities: one upsert statement per page, keyed by the provider's id."""

from dataclasses import fields

from django.db import transaction

from providers.backends.base import ActivityData

from ..grouping import GROUP_FIELDS, group_page, grouping_enabled
from ..models import Activity
from ..signals import announce
from .upsert import upsert_page

DATA_FIELDS = [f.name for f in fields(ActivityData)]
# Everything but the natural key and created_at, so a re-sync refreshes edits and a
# reconnected account re-adopts activities kept from an earlier connection.
UPDATE_FIELDS = [
    *(name for name in DATA_FIELDS if name != "provider_activity_id"),
    "user",
    "connection",
    "updated_at",
]


# The fields an activity is built with, in the model's order, and the defaults of
# those that neither the connection nor the data give (a KeyError names a new one).
BUILD_ORDER = [f.attname for f in Activity._meta.concrete_fields]
BUILD_DEFAULTS = {"id": None, "group_id": None, "is_canonical": True}


def data_values(data):
    """An ActivityData's fields as a dict (shallow: the payload is not copied)."""
    return {name: getattr(data, name) for name in DATA_FIELDS}


def build_activity(connection, data, now):
    values = {
        **BUILD_DEFAULTS,
        **data_values(data),
        "user_id": connection.user_id,
        "connection_id": connection.pk,
        "provider": connection.provider,
        "created_at": now,
        "updated_at": now,
    }
    # Positional: Model.__init__ takes three times as long with keywords, and a
    # backfill builds tens of thousands.
    return Activity(*[values[name] for name in BUILD_ORDER])


def upsert_activities(provider, activities):
    """Insert or update `activities` of one provider; return (created, updated).

    One INSERT ... ON CONFLICT DO UPDATE writes the page (upsert.upsert_page). Ids
    must be unique within the list (PostgreSQL cannot update one row twice in a
    statement). With grouping on, the page is first grouped with the other providers'
    copies of the same sessions (sync.grouping.page), in the same transaction, so its
    copies are written once, with their groups.
    """
    if not activities:
        return 0, 0
    with transaction.atomic():
        if grouping_enabled():
            fields = UPDATE_FIELDS + GROUP_FIELDS
            created = group_page(
                activities, lambda: upsert_page(provider, activities, fields)
            )
        else:
            created = upsert_page(provider, activities, UPDATE_FIELDS)
        _announce(activities)
    return created, len(activities) - created


def _announce(activities):
    starts = {}
    for activity in activities:
        starts.setdefault(activity.user_id, []).append(activity.start_time)
    for user_id, times in starts.items():
        announce(user_id, times)


def delete_connection_activities(connection):
    """Forget a connection's activities (the athlete chose not to keep them)."""
    deleted, _ = Activity.objects.filter(connection=connection).delete()
    return deleted
