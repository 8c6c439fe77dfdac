"""The athlete's pages: dashboard, live card status, feed, activity detail, history."""

import json

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from providers import registry
from providers import services as connection_services
from providers.models import Provider, ProviderConnection
from providers.sports import SportType

from . import queries, services
from .messages import (
    activity_display,
    failure_message,
    format_duration,
    totals_display,
)
from .models import Activity, SyncType

HISTORY_PAGE_SIZE = 20


def _card_context(card):
    run = card.latest_run
    return {
        "card": card,
        "failure": failure_message(run, card.backend.name) if run else "",
    }


@login_required
@require_GET
def dashboard(request):
    cards = [_card_context(card) for card in queries.dashboard_cards(request.user)]
    chart = queries.weekly_chart(queries.weekly_volume(request.user))
    return render(
        request,
        "sync/dashboard.html",
        {
            "cards": cards,
            "totals": totals_display(queries.totals(request.user)),
            "chart": chart,
            "chart_svg": queries.weekly_chart_svg(chart),
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
    return render(request, "sync/includes/card_status.html", _card_context(card))


@login_required
@require_POST
def toggle(request, connection_id):
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    turn_on = not connection.is_active
    connection_services.update_connection(connection, is_active=turn_on)
    name = connection.get_provider_display()
    if turn_on:
        flash.success(request, f"{name} sync is on.")
    else:
        flash.success(
            request, f"{name} sync is off; nothing is fetched until you turn it on."
        )
    return redirect("sync:dashboard")


@login_required
@require_POST
def sync_now(request, connection_id):
    connection = get_object_or_404(
        ProviderConnection, pk=connection_id, user=request.user
    )
    name = connection.get_provider_display()
    if not connection.is_active:
        flash.warning(request, f"{name} sync is off. Turn it on to sync.")
        return redirect("sync:dashboard")
    _, created = request_manual_sync(connection)
    if created:
        flash.success(request, f"{name} sync started.")
    else:
        flash.info(request, f"A {name} sync is already in progress.")
    return redirect("sync:dashboard")


def request_manual_sync(connection):
    """(run, created): request_sync hands back the active run instead of raising, so
    compare with the run that was active before to tell a new run from an old one."""
    active = services.get_active_sync(connection)
    run = services.request_sync(connection, SyncType.MANUAL)
    return run, active is None or run.pk != active.pk


class FeedFilterForm(forms.Form):
    provider = forms.ChoiceField(
        choices=[("", "All providers"), *Provider.choices], required=False
    )
    sport = forms.ChoiceField(
        choices=[("", "All sports"), *SportType.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_cursor(self):
        cursor = self.cleaned_data["cursor"]
        if cursor:
            try:
                queries.decode_cursor(cursor)
            except ValueError:
                raise forms.ValidationError("That page link is not valid.") from None
        return cursor

    def filters(self):
        data = self.cleaned_data
        return queries.FeedFilters(
            data["provider"], data["sport"], data["date_from"], data["date_to"]
        )


@login_required
@require_GET
def activities(request):
    form = FeedFilterForm(request.GET)
    rows, next_cursor = [], ""
    if form.is_valid():
        page, next_cursor = queries.activity_page(
            request.user, form.filters(), form.cleaned_data["cursor"]
        )
        rows = [(activity, activity_display(activity)) for activity in page]
    next_query = ""
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_query = params.urlencode()
    return render(
        request,
        "sync/activities.html",
        {
            "form": form,
            "rows": rows,
            "next_query": next_query,
            # Detail URLs are this plus "<id>/": one reverse() instead of one a row.
            "detail_prefix": reverse("sync:activities"),
            "provider_choices": FeedFilterForm.base_fields["provider"].choices,
            "sport_choices": FeedFilterForm.base_fields["sport"].choices,
        },
    )


@login_required
@require_GET
def activity_detail(request, activity_id):
    activity = get_object_or_404(Activity, pk=activity_id, user=request.user)
    return render(
        request,
        "sync/activity_detail.html",
        {
            "activity": activity,
            "display": activity_display(activity),
            "elapsed": format_duration(activity.elapsed_time_s),
            "raw_json": json.dumps(activity.activity_data, indent=2, sort_keys=True),
        },
    )


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
