"""The streams block on its own, for the activity page's htmx poll while the
streams load (the block itself: analytics/streams/page.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sync.models import Activity

from .streams.page import block_context


@login_required
@require_GET
def streams_block(request, activity_id):
    activity = get_object_or_404(Activity, pk=activity_id, user=request.user)
    return render(
        request, "analytics/includes/streams_body.html", block_context(activity)
    )
