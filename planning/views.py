"""The calendar page (week and month), the athlete's time zone, and the private
iCalendar feed: its address is managed here, the feed itself opens by token alone.
The workout pages are in workout_views.py."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from sync.display import units_of

from . import feeds, ics, matching, preferences
from .calendar import build_weeks
from .forms import TimeZoneForm, time_zone_options
from .periods import PeriodError, period_for


@login_required
@require_GET
def calendar(request):
    user = request.user
    tz = user.tzinfo
    today = matching.today(tz)
    error, status = "", 200
    try:
        period = period_for(request.GET, today)
    except PeriodError as exc:
        # Say what was wrong and show this week rather than a bare error page.
        error, status = str(exc), 400
        period = period_for({}, today)
    weeks = build_weeks(user, period.mondays, tz, today, period.month)
    context = {
        "period": period,
        "weeks": weeks,
        "error": error,
        "today": today,
        "time_zone_options": time_zone_options(user.time_zone),
        "feed": feeds.feed_of(user),
    }
    return render(request, "planning/calendar.html", context, status=status)


@login_required
@require_POST
def time_zone(request):
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose a time zone from the list."))
        return redirect("planning:calendar")
    try:
        preferences.set_time_zone(request.user, form.cleaned_data["time_zone"])
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        message = _("Your days now follow %(zone)s.")
        flash.success(request, message % {"zone": request.user.time_zone})
    return redirect("planning:calendar")


@login_required
@require_POST
def feed_create(request):
    """A new feed address (the old one stops working), shown this once only."""
    replaced = feeds.feed_of(request.user) is not None
    token = feeds.replace_feed(request.user)
    address = request.build_absolute_uri(reverse("planning:feed", args=[token]))
    message = _(
        "Your calendar feed address: %(address)s — copy it into your calendar app "
        "now; it is shown only this once."
    ) % {"address": address}
    if replaced:
        message = f"{_('The old address no longer works.')} {message}"
    flash.success(request, message)
    return redirect("planning:calendar")


@login_required
@require_POST
def feed_remove(request):
    feeds.remove_feed(request.user)
    flash.success(request, _("Calendar feed removed; its address no longer works."))
    return redirect("planning:calendar")


@require_safe
def feed(request, token):
    """The feed, for calendar apps: no login, the token is the key."""
    user = feeds.owner_of(token)
    if user is None:
        raise Http404(_("No such calendar feed."))
    tz = user.tzinfo
    workouts = feeds.feed_workouts(user, matching.today(tz))
    text = ics.calendar_text(
        workouts,
        tz,
        lambda w: request.build_absolute_uri(reverse("planning:workout", args=[w.pk])),
        units=units_of(user),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trainlytics.ics"'
    # The address is the secret: keep it out of shared caches and Referer headers.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
