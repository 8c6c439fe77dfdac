"""The dashboard's provider cards and cached overview, rendered in Python where
template rendering cost more than the page's queries (see bench/web.py)."""

import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from providers.models import ConnectionStatus

from . import queries
from .display import METRIC
from .messages import (
    failure_message,
    totals_display,
)
from .models import SyncStatus

# Plain dicts: get_FOO_display() rebuilds its choices mapping on every call.
STATUS_LABELS = dict(ConnectionStatus.choices)
RUN_LABELS = dict(SyncStatus.choices)


# A stand-in argument, reversed once per URL name; every card's URL is then a string
# join instead of a reverse() (about 45 µs each, thirty of them per dashboard).
_URL_SENTINEL = "2147480001"


@functools.cache
def _url_parts(name, urlconf, script_prefix):
    url = reverse(name, args=[_URL_SENTINEL], urlconf=urlconf)
    prefix, sentinel, suffix = url.rpartition(_URL_SENTINEL)
    assert sentinel, f"{name} does not put its argument in the path"
    return prefix, suffix


def url_maker():
    """A reverse(name, args=[arg]) for int or slug arguments, from cached patterns,
    for the current URLconf and script prefix (looked up once, not per URL)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    script_prefix = get_script_prefix()

    def url(name, arg):
        prefix, suffix = _url_parts(name, urlconf, script_prefix)
        return f"{prefix}{arg}{suffix}"

    return url


def card_status_html(card, url):
    """The live part of a dashboard card, which htmx polls alone while a sync runs.

    Built here, not in an included template: six includes took half the dashboard's
    rendering time.
    """
    run, connection = card.latest_run, card.connection
    poll = ""
    if card.syncing:
        poll = format_html(
            ' hx-get="{}" hx-trigger="every 2s" hx-swap="outerHTML"',
            url("sync:card-status", connection.pk),
        )
    return format_html(
        '<div class="card-status" id="status-{}" aria-live="polite"{}>\n'
        "  {}\n  <p>{} {}{}</p>\n</div>",
        card.slug,
        poll,
        _run_html(run, card.backend.name),
        card.activity_count,
        "activity" if card.activity_count == 1 else "activities",
        _up_to_date_html(connection.last_sync_at),
    )


def _run_html(run, provider_name):
    if run is None:
        return mark_safe('<p data-sync-state="none">Not synced yet.</p>')
    label = RUN_LABELS.get(run.status, run.status)
    if run.is_active:
        so_far = ""
        if run.activities_fetched:
            so_far = f" {run.activities_fetched} activities so far."
        return format_html(
            '<p class="syncing" data-sync-state="{}"><span class="spinner" '
            'aria-hidden="true"></span> Sync {}…{}</p>',
            run.status,
            label.lower(),
            so_far,
        )
    at = timezone.localtime(run.completed_at or run.started_at)
    counts = ""
    if run.activities_created or run.activities_updated:
        counts = f" ({run.activities_created} new, {run.activities_updated} updated)"
    failure = failure_message(run, provider_name)
    return format_html(
        '<p data-sync-state="{}">Last sync: <strong class="run-{}">{}</strong> '
        '<time datetime="{}">{}</time>{}</p>{}',
        run.status,
        run.status,
        label,
        at.isoformat(),
        _ago(at),
        counts,
        format_html('\n  <p class="failure">{}</p>', failure) if failure else "",
    )


def _ago(moment):
    """ "just now" for the last minute, else Django's "5 minutes ago"."""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


def _up_to_date_html(last_sync_at):
    if last_sync_at is None:
        return "."
    local = timezone.localtime(last_sync_at)
    # No full stop after the date: "p.m." already ends with one.
    return format_html(
        '; last synced <time datetime="{}">{}</time>',
        local.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
    )


def card_context(card, url):
    """One dashboard card: its URLs and labels, so the template only prints."""
    backend, connection = card.backend, card.connection
    context = {
        "slug": backend.slug,
        "name": backend.name,
        "is_configured": backend.is_configured,
        "connection": connection,
        "connect_url": url("providers:connect", backend.slug),
    }
    if connection is not None:
        context.update(
            status_html=card_status_html(card, url),
            syncing=card.syncing,
            status=connection.status,
            status_label=STATUS_LABELS.get(connection.status, connection.status),
            toggle_url=url("sync:toggle", connection.pk),
            sync_url=url("sync:sync-now", connection.pk),
            disconnect_url=url("providers:disconnect", backend.slug),
            history_url=url("sync:history", connection.pk),
        )
    return context


def compute_overview(user, connections, units=METRIC):
    """The dashboard's aggregates: totals (distances in `units`), the rendered chart
    (no CSRF in it) and each connection's activity count."""
    chart = queries.weekly_chart(queries.weekly_volume(user))
    chart_html = render_to_string(
        "sync/includes/weekly_chart.html",
        {"chart": chart, "chart_svg": queries.weekly_chart_svg(chart)},
    )
    return {
        "totals": totals_display(queries.totals(user), units),
        "chart_html": chart_html,
        "counts": queries.activity_counts(connections),
    }
