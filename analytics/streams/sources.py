"""Which copy of a session its streams are fetched from.

Among the session's copies (sync grouping: every activity of its group, or the
activity alone), in ACTIVITY_PROVIDER_PRIORITY order, those whose provider has
streams (backend.has_streams) and whose connection is active and switched on. The
fetch asks the first; if that provider holds no time series for the activity it
asks the next, so a session's streams come once, from the best provider that has
them.
"""

from dataclasses import dataclass

from providers.models import ConnectionStatus
from providers.registry import get_backend
from sync.grouping.store import priority
from sync.models import Activity


@dataclass(frozen=True)
class Candidate:
    activity: Activity
    connection: object
    backend: object

    @property
    def provider(self):
        return self.activity.provider


def session_copies(activity):
    """Every copy of `activity`'s session, connections loaded. One query."""
    copies = Activity.objects.select_related("connection")
    if activity.group_id is None:
        return list(copies.filter(pk=activity.pk))
    return list(copies.filter(group_id=activity.group_id))


def by_priority(copies):
    rank = {provider: i for i, provider in enumerate(priority())}
    return sorted(copies, key=lambda c: (rank.get(c.provider, len(rank)), c.pk))


def candidates(activity):
    """The copies to fetch `activity`'s streams from, best first."""
    found = []
    for copy in by_priority(session_copies(activity)):
        connection = copy.connection
        if connection is None or not connection.is_active:
            continue
        if connection.status != ConnectionStatus.ACTIVE:
            continue
        backend = get_backend(copy.provider)
        if backend.has_streams:
            found.append(Candidate(copy, connection, backend))
    return found
