"""The streams block on its own, for the activity page's htmx poll while the
streams load (the block itself: analytics/streams/page.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from sync.models import Activity

from .streams.page import BODY, block_html


@login_required
@require_GET
def streams_block(request, activity_id):
    activity = get_object_or_404(Activity, pk=activity_id, user=request.user)
    return HttpResponse(block_html(activity, BODY))
