"""The athlete's export page, its live progress, and the download."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .models import AccountExport, ExportStatus

HISTORY_SIZE = 10


def user_export_or_404(user, export_id):
    """The athlete's own export; anyone else's id is simply not found."""
    export = AccountExport.objects.filter(pk=export_id, user=user).first()
    if export is None:
        raise Http404("No such export.")
    return export


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    if request.method == "POST":
        created = services.start_export(request.user)[1]
        if created:
            flash.success(request, _("Your export is being prepared."))
        else:
            flash.info(request, _("Your export is already being prepared."))
        return redirect("exports:index")
    exports = AccountExport.objects.filter(user=request.user)[:HISTORY_SIZE]
    return render(
        request,
        "exports/index.html",
        {"exports": exports, "preparing": any(e.is_active for e in exports)},
    )


@login_required
@require_GET
def progress(request, export_id):
    """One export's row: what htmx polls while it is being prepared."""
    export = user_export_or_404(request.user, export_id)
    return render(request, "exports/includes/export_row.html", {"export": export})


@login_required
@require_GET
def download(request, export_id):
    export = user_export_or_404(request.user, export_id)
    if export.is_downloadable():
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.download_name(),
            content_type="application/zip",
        )
    if export.status in (ExportStatus.READY, ExportStatus.EXPIRED):
        return render(request, "exports/expired.html", {"export": export}, status=410)
    raise Http404("This export has no file to download.")
