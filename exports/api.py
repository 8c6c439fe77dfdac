"""JSON routes for account exports, mounted at /api/ by trainlytics/api.py.

`GET /account/export` starts an export (the issue asks for GET): 202 with the new
one, or 200 with the one already being prepared. Safe enough for a GET: it only
ever queues the caller's own export, one at a time, and the session cookie is not
sent on another site's cross-site subrequests (SameSite=Lax).
"""

from datetime import datetime
from uuid import UUID

from django.urls import reverse
from ninja import Router, Schema, Status

from sync.schemas import ErrorOut

from . import services
from .views import user_export_or_404

router = Router(tags=["account"])

FAILED = "failed"


class ExportOut(Schema):
    id: UUID
    status: str
    progress: int
    step: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    size_bytes: int | None
    # While the export can be downloaded (24 hours), else null.
    download_url: str | None
    # A stable code when the export failed ("export_failed"), else null.
    error_code: str | None


def export_out(request, export):
    url = None
    if export.is_downloadable():
        url = request.build_absolute_uri(reverse("exports:download", args=[export.pk]))
    return {
        "id": export.pk,
        "status": export.status,
        "progress": export.progress,
        "step": export.step,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "expires_at": export.expires_at,
        "size_bytes": export.size_bytes,
        "download_url": url,
        "error_code": "export_failed" if export.status == FAILED else None,
    }


@router.get("/account/export", response={200: ExportOut, 202: ExportOut})
def start_export(request):
    """Start preparing the athlete's export (202), or return the one already being
    prepared (200). Follow it at /api/account/export/{id}."""
    export, created = services.start_export(request.auth)
    return Status(202 if created else 200, export_out(request, export))


@router.get(
    "/account/export/{uuid:export_id}", response={200: ExportOut, 404: ErrorOut}
)
def get_export(request, export_id: UUID):
    """Status and progress of one of the athlete's exports, with its download link
    while it is valid. Another athlete's id is 404 `not_found`."""
    return export_out(request, user_export_or_404(request.auth, export_id))
