"""Public pages that are only text: the privacy page."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy(request):
    """What we store, where it comes from, for how long, who sees it, and how the
    athlete exports or deletes it. Public: people read it before signing up."""
    return render(
        request,
        "privacy.html",
        {"session_days": settings.SESSION_COOKIE_AGE // 86400},
    )
