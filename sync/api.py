"""JSON routes for syncing and activities, mounted at /api/ by trainlytics/api.py."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from providers.api import user_connection_or_404
from trainlytics.labels import label

from . import queries, services
from .models import Activity, SyncStatus, SyncType
from .schemas import (
    ActivityDetailOut,
    ActivityFilters,
    ActivityPageOut,
    ErrorOut,
    RunOut,
    SummaryOut,
    SyncConflictOut,
    SyncStatusOut,
)

router = Router(tags=["sync"])


@router.post(
    "/providers/connections/{int:connection_id}/sync",
    response={202: RunOut, 409: SyncConflictOut | ErrorOut},
)
def start_sync(request, connection_id: int):
    """Start a manual sync; 409 with the existing run while one is pending/running."""
    connection = user_connection_or_404(request, connection_id)
    if not connection.is_active:
        message = _("Sync is turned off for this connection; turn it on first.")
        return Status(
            409, {"error": {"code": "connection_inactive", "message": message}}
        )
    try:
        run = services.request_new_sync(connection, SyncType.MANUAL)
    except services.SyncInProgressError as exc:
        run = exc.sync
        run.connection = connection
        # Translators: the status is "pending" or "running", in lower case.
        message = _("Sync #%(number)s of this connection is already %(status)s.") % {
            "number": run.pk,
            "status": label(SyncStatus, run.status).lower(),
        }
        return Status(
            409,
            {"error": {"code": "sync_in_progress", "message": message}, "sync": run},
        )
    run.connection = connection
    return Status(202, run)


@router.get(
    "/providers/connections/{int:connection_id}/sync-history",
    response=list[RunOut],
)
@paginate(PageNumberPagination, page_size=20)
def sync_history(request, connection_id: int):
    connection = user_connection_or_404(request, connection_id)
    return connection.sync_runs.select_related("connection").order_by(
        "-started_at", "-id"
    )


@router.get(
    "/providers/connections/{int:connection_id}/sync-status",
    response=SyncStatusOut,
)
def sync_status(request, connection_id: int):
    connection = user_connection_or_404(request, connection_id)
    run = queries.sync_status(connection)
    if run is not None:
        run.connection = connection
    return {
        "connection_id": connection.pk,
        "connection_status": connection.status,
        "is_active": connection.is_active,
        "syncing": bool(run and run.is_active),
        "run": run,
    }


@router.get("/providers/summary", response=SummaryOut)
def summary(request):
    data = queries.summary(request.auth)
    data["connections"] = [
        {
            "id": c.pk,
            "provider": c.provider,
            "status": c.status,
            "is_active": c.is_active,
            "last_sync_at": c.last_sync_at,
            "activity_count": c.activity_count,
            "latest_run": c.latest_run,
        }
        for c in data["connections"]
    ]
    return data


@router.get("/activities", response=ActivityPageOut)
def activities(request, filters: Query[ActivityFilters]):
    """Newest first; follow `next_cursor` for older pages (keyset, no OFFSET)."""
    feed_filters = queries.FeedFilters(
        filters.provider or "", filters.sport or "", filters.date_from, filters.date_to
    )
    try:
        items, next_cursor = queries.activity_page(
            request.auth, feed_filters, filters.cursor, size=filters.limit
        )
    except ValueError:
        raise HttpError(400, _("The cursor is not valid.")) from None
    queries.attach_sessions(items)
    return {"items": items, "next_cursor": next_cursor or None}


@router.get("/activities/{int:activity_id}", response=ActivityDetailOut)
def activity(request, activity_id: int):
    """One copy with its raw payload and every copy of its session (`copies`)."""
    activity = get_object_or_404(Activity, pk=activity_id, user=request.auth)
    activity.copies = queries.session_copies(activity)
    activity.providers = queries.session_providers(
        activity, [c.provider for c in activity.copies]
    )
    return activity
