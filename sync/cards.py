"""The dashboard's provider cards and cached overview, rendered in Python where
template rendering cost more than the page's queries (see bench/web.py)."""

import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext, ngettext

from providers.buttons import connect_button_html, powered_by_strava_html
from providers.models import ConnectionStatus
from trainlytics.labels import label
from trainlytics.stored_text import shown

from . import queries
from .display import METRIC, format_number
from .messages import (
    failure_message,
    totals_display,
)
from .models import SyncStatus

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
        "  {}\n  <p>{}{}</p>\n</div>",
        card.slug,
        poll,
        _run_html(run, card.backend.name),
        ngettext("%(count)s activity", "%(count)s activities", card.activity_count)
        % {"count": format_number(card.activity_count)},
        _up_to_date_html(connection.last_sync_at),
    )


def _run_html(run, provider_name):
    if run is None:
        return format_html(
            '<p data-sync-state="none">{}</p>', gettext("Not synced yet.")
        )
    status = label(SyncStatus, run.status)
    if run.is_active:
        so_far = ""
        if run.activities_fetched:
            so_far = " " + ngettext(
                "%(count)s activity so far.",
                "%(count)s activities so far.",
                run.activities_fetched,
            ) % {"count": run.activities_fetched}
        return format_html(
            '<p class="syncing" data-sync-state="{}"><span class="spinner" '
            'aria-hidden="true"></span> {}{}</p>',
            run.status,
            # Translators: the status is "pending" or "running", in lower case.
            gettext("Sync %(status)s…") % {"status": status.lower()},
            so_far,
        )
    at = timezone.localtime(run.completed_at or run.started_at)
    counts = ""
    if run.activities_created or run.activities_updated:
        counts = " " + gettext("(%(new)s new, %(updated)s updated)") % {
            "new": run.activities_created,
            "updated": run.activities_updated,
        }
    failure = failure_message(run, provider_name)
    return format_html(
        '<p data-sync-state="{}">{} <strong class="run-{}">{}</strong> '
        '<time datetime="{}">{}</time>{}</p>{}',
        run.status,
        gettext("Last sync:"),
        run.status,
        status,
        at.isoformat(),
        _ago(at),
        counts,
        format_html('\n  <p class="failure">{}</p>', failure) if failure else "",
    )


def _ago(moment):
    """ "just now" for the last minute, else Django's "5 minutes ago"."""
    if (timezone.now() - moment).total_seconds() < 60:
        return gettext("just now")
    # Translators: the time is Django's "5 minutes" (or "2 days, 3 hours").
    return gettext("%(time)s ago") % {"time": timesince(moment)}


def _up_to_date_html(last_sync_at):
    if last_sync_at is None:
        return "."
    local = timezone.localtime(last_sync_at)
    # No full stop after the date: "p.m." already ends with one.
    return format_html(
        '; {} <time datetime="{}">{}</time>',
        gettext("last synced"),
        local.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
    )


@functools.lru_cache(maxsize=64)
def _card_words(slug, name, language):
    """A card's fixed words and buttons in `language` (printing forty translate tags
    per dashboard cost a third of its time)."""
    provider = {"provider": name}
    return {
        "status": gettext("Status:"),
        "sync_on": gettext("Sync on"),
        "turn_off": gettext("for %(provider)s; turn off") % provider,
        "sync_off": gettext("Sync off"),
        "turn_on": gettext("for %(provider)s; turn on") % provider,
        "sync_now": gettext("Sync now"),
        "disconnect": gettext("Disconnect"),
        "history": gettext("History"),
        "history_of": gettext("of %(provider)s syncs") % provider,
        "not_connected": gettext("Not connected."),
        "not_configured": gettext("Not configured on this server."),
        "connect_disabled": gettext("Connect %(provider)s") % provider,
        "connect_button": connect_button_html(slug, name),
        "reconnect_button": connect_button_html(slug, name, reconnect=True),
        "powered_by": powered_by_strava_html() if slug == "strava" else "",
    }


def card_context(card, url):
    """One dashboard card: its URLs and labels, so the template only prints."""
    backend, connection = card.backend, card.connection
    context = {
        "slug": backend.slug,
        "name": backend.name,
        "is_configured": backend.is_configured,
        "connection": connection,
        "connect_url": url("providers:connect", backend.slug),
        "words": _card_words(backend.slug, backend.name, get_language()),
    }
    if connection is not None:
        context.update(
            status_html=card_status_html(card, url),
            syncing=card.syncing,
            status=connection.status,
            status_label=label(ConnectionStatus, connection.status),
            # Stored in English (trainlytics.stored_text).
            status_detail=shown(connection.status_detail),
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
