"""The athlete's pages: dashboard, live card status, feed, activity detail with the
split and merge of its copies, history."""

import json

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from providers import registry
from providers import services as connection_services
from providers.models import ProviderConnection

from . import cache, queries, services
from .candidates import merge_candidates
from .cards import card_context, card_status_html, compute_overview, url_maker
from .display import format_number, units_of
from .feed import (
    FeedFilterForm,
    badge_html,
    feed_rows_html,
    options_html,
    page_words,
    with_filled,
)
from .grouping import GroupingError, merge_activities, split_activity
from .messages import (
    PROVIDER_LABELS,
    activity_display,
    failure_message,
    format_duration,
)
from .models import Activity, SyncType

HISTORY_PAGE_SIZE = 20


@login_required
@require_GET
def dashboard(request):
    user = request.user
    units = units_of(user)
    connections = queries.user_connections(user)
    # The totals are printed in the athlete's units: a change of units is a new key.
    key = f"{cache.dashboard_key(user.pk, connections)}:{units}"
    overview = cache.get_or_compute(
        key, lambda: compute_overview(user, connections, units)
    )
    cards = queries.dashboard_cards(user, connections, overview["counts"])
    url = url_maker()
    return render(
        request,
        "sync/dashboard.html",
        {
            "cards": [card_context(card, url) for card in cards],
            # Other apps' blocks on this page cache under it (planning's week line).
            "dashboard_key": key,
            **overview,
        },
    )


@login_required
@require_GET
def card_status(request, connection_id):
    """The live part of one dashboard card; htmx polls it while a sync runs."""
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    card = queries.Card(
        backend=registry.get_backend(connection.provider),
        connection=connection,
        latest_run=queries.sync_status(connection),
        activity_count=connection.activities.count(),
    )
    return HttpResponse(card_status_html(card, url_maker()))


@login_required
@require_POST
def toggle(request, connection_id):
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    turn_on = not connection.is_active
    connection_services.update_connection(connection, is_active=turn_on)
    name = {"provider": connection.get_provider_display()}
    if turn_on:
        flash.success(request, _("%(provider)s sync is on.") % name)
    else:
        message = _(
            "%(provider)s sync is off; nothing is fetched until you turn it on."
        )
        flash.success(request, message % name)
    return redirect("sync:dashboard")


@login_required
@require_POST
def sync_now(request, connection_id):
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    name = {"provider": connection.get_provider_display()}
    if not connection.is_active:
        flash.warning(
            request, _("%(provider)s sync is off. Turn it on to sync.") % name
        )
        return redirect("sync:dashboard")
    try:
        services.request_new_sync(connection, SyncType.MANUAL)
    except services.SyncInProgressError:
        flash.info(request, _("A %(provider)s sync is already in progress.") % name)
    else:
        flash.success(request, _("%(provider)s sync started.") % name)
    return redirect("sync:dashboard")


@login_required
@require_GET
def activities(request):
    form = FeedFilterForm(request.GET)
    rows, next_cursor = [], ""
    if form.is_valid():
        page, next_cursor = queries.activity_page(
            request.user, form.filters(), form.cleaned_data["cursor"]
        )
        queries.attach_sessions(page)
        units = units_of(request.user)
        rows = [(a, activity_display(with_filled(a), units)) for a in page]
    next_query = ""
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_query = params.urlencode()
    # Detail URLs are this plus "<id>/": one reverse() instead of one a row.
    detail_prefix = reverse("sync:activities")
    return render(
        request,
        "sync/activities.html",
        {
            "form": form,
            "rows": rows,
            "rows_html": feed_rows_html(rows, detail_prefix),
            "next_query": next_query,
            "provider_options": options_html(form, "provider"),
            "sport_options": options_html(form, "sport"),
            "words": page_words(),
        },
    )


def _kcal(value):
    return "" if value is None else format_number(value, 0, "kcal")


def copy_columns(copies, units):
    """Each copy of a session as the strings of its column on the detail page."""
    return [
        {
            "activity": c,
            "badge": badge_html(c.provider),
            "display": activity_display(c, units),
            "calories": _kcal(c.calories_kcal),
            "raw_json": json.dumps(c.activity_data, indent=2, sort_keys=True),
        }
        for c in copies
    ]


@login_required
@require_GET
def activity_detail(request, activity_id):
    """One session: its canonical copy (gaps filled from the others), every copy side
    by side, and the split and merge forms. A non-canonical copy's id redirects to
    the canonical one, so a session has one page."""
    activity = get_object_or_404(
        Activity.objects.select_related("group"), pk=activity_id, user=request.user
    )
    copies = queries.session_copies(activity)
    if copies[0].pk != activity.pk:
        return redirect("sync:activity", copies[0].pk)
    activity.filled = activity.group.filled if activity.group else {}
    session = with_filled(activity)
    candidates = merge_candidates(activity, copies)
    units = units_of(request.user)
    return render(
        request,
        "sync/activity_detail.html",
        {
            "activity": session,
            "display": activity_display(session, units),
            "elapsed": format_duration(session.elapsed_time_s),
            "badges": [badge_html(c.provider) for c in copies],
            "columns": copy_columns(copies, units),
            "grouped": len(copies) > 1,
            "candidates": [(c, activity_display(c, units)) for c in candidates],
        },
    )


@login_required
@require_POST
def split(request, activity_id):
    """Take this copy out of its session; back to what is left of the session."""
    activity = get_object_or_404(Activity, pk=activity_id, user=request.user)
    rest = [c for c in queries.session_copies(activity) if c.pk != activity.pk]
    name = PROVIDER_LABELS.get(activity.provider, activity.provider)
    try:
        split_activity(request.user, activity)
    except GroupingError as exc:
        flash.error(request, str(exc))
        return redirect("sync:activity", activity.pk)
    message = _("The %(provider)s copy is now an activity of its own.")
    flash.success(request, message % {"provider": name})
    return redirect("sync:activity", rest[0].pk)


@login_required
@require_POST
def merge(request, activity_id):
    """Join the copy chosen in the form (`other`) to this activity's session."""
    activity = get_object_or_404(Activity, pk=activity_id, user=request.user)
    other_id = request.POST.get("other", "")
    if not other_id.isdigit():
        raise Http404(_("No activity to merge with."))
    other = get_object_or_404(Activity, pk=int(other_id), user=request.user)
    try:
        merge_activities(request.user, activity, other)
    except GroupingError as exc:
        flash.error(request, str(exc))
    else:
        name = PROVIDER_LABELS.get(other.provider, other.provider)
        message = _("Merged: the %(provider)s copy is part of this activity.")
        flash.success(request, message % {"provider": name})
    return redirect("sync:activity", activity.pk)


@login_required
@require_GET
def history(request, connection_id):
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    runs = connection.sync_runs.order_by("-started_at", "-id")
    page = Paginator(runs, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    name = connection.get_provider_display()
    rows = [(run, failure_message(run, name)) for run in page]
    return render(
        request,
        "sync/history.html",
        {"connection": connection, "page": page, "rows": rows},
    )
