"""The activity feed's filter form and its rows, rendered in Python (the feed is
twenty-five rows of eleven values; a template loop cost more than the query)."""

import copy
import functools
from html import escape as html_escape

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from providers.models import Provider
from providers.sports import SportType

from . import queries
from .attribution import feed_row_attribution_html, view_on_strava_label
from .messages import PROVIDER_LABELS


class FeedFilterForm(forms.Form):
    provider = forms.ChoiceField(
        choices=[("", _("All providers")), *Provider.choices], required=False
    )
    sport = forms.ChoiceField(
        choices=[("", _("All sports")), *SportType.choices], required=False
    )
    date_from = forms.DateField(
        required=False,
        label=pgettext_lazy("date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=pgettext_lazy("date range", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_cursor(self):
        cursor = self.cleaned_data["cursor"]
        if cursor:
            try:
                queries.decode_cursor(cursor)
            except ValueError:
                raise forms.ValidationError(_("That page link is not valid.")) from None
        return cursor

    def filters(self):
        data = self.cleaned_data
        return queries.FeedFilters(
            data["provider"], data["sport"], data["date_from"], data["date_to"]
        )


def with_filled(activity):
    """The activity as its session shows it: where the canonical copy lacks a metric
    its group took from another copy (`filled`, from queries.attach_sessions or the
    group), a copy of it with that value. The stored row is left alone."""
    filled = getattr(activity, "filled", None)
    if not filled:
        return activity
    session = copy.copy(activity)
    for name, value in filled.items():
        if getattr(session, name, None) in (None, ""):
            setattr(session, name, value)
    return session


@functools.cache
def badge_html(provider):
    label = PROVIDER_LABELS.get(provider, provider)
    return (
        f'<span class="badge badge-{html_escape(provider)}">{html_escape(label)}</span>'
    )


def feed_rows_html(rows, detail_prefix):
    """The feed's rows as HTML, escaped here: a template row of eleven variables,
    times 25, cost more than the rest of the page. html.escape, not Django's escape:
    every value is a plain str (no lazy or safe strings), and skipping those checks
    halves the cost. A row shows a badge for each provider of its session
    (`providers`, from queries.attach_sessions), and after its name what the
    providers' display rules ask for (sync.attribution)."""
    e = html_escape
    view_on_strava = view_on_strava_label()
    return mark_safe(  # noqa: S308 - every interpolated value is escaped
        "".join(
            f'\n    <tr class="activity">\n'
            f'      <td class="badges">{" ".join(map(badge_html, a.providers))}'
            f"</td>\n      <td>{e(d['sport'])}</td>\n"
            f'      <td><a href="{e(detail_prefix)}{a.pk}/">{e(d["name"])}</a>'
            f"{feed_row_attribution_html(a, view_on_strava)}</td>\n"
            f'      <td><time datetime="{e(d["start_iso"])}">{e(d["start_text"])}'
            f"</time></td>\n      <td>{e(d['duration'])}</td><td>{e(d['distance'])}"
            f"</td><td>{e(d['elevation'])}</td><td>{e(d['heart_rate'])}</td>\n"
            "    </tr>"
            for a, d in rows
        )
    )


@functools.cache
def _escaped_choices(name, language):
    # Per language: the labels are translated.
    choices = FeedFilterForm.base_fields[name].choices
    return [
        (value, html_escape(str(value)), html_escape(str(label)))
        for value, label in choices
    ]


def options_html(form, name):
    """The <option>s of one filter <select>, the submitted one selected."""
    current = form[name].value()
    return mark_safe(  # noqa: S308 - values and labels escaped in _escaped_choices
        "".join(
            f'\n      <option value="{value_html}"'
            f"{' selected' if value == current else ''}>{label_html}</option>"
            for value, value_html, label_html in _escaped_choices(name, get_language())
        )
    )


def page_words():
    """The feed page's fixed words in the active language (as translate tags they
    cost a tenth of the page: bench/web.py)."""
    return _page_words(get_language())


@functools.lru_cache(maxsize=16)
def _page_words(language):
    return {
        "activities": gettext("Activities"),
        "filter_activities": gettext("Filter activities"),
        "provider": gettext("Provider"),
        "sport": gettext("Sport"),
        "from": pgettext("start of a date range", "From"),
        "to": pgettext("end of a date range", "To"),
        "filter": gettext("Filter"),
        "clear": gettext("Clear"),
        "caption": gettext("Activities, newest first"),
        "providers": gettext("Providers"),
        "name": gettext("Name"),
        "start": gettext("Start (local)"),
        "duration": gettext("Duration"),
        "distance": gettext("Distance"),
        "elevation": gettext("Elevation"),
        "avg_hr": gettext("Avg HR"),
        "older": gettext("Older activities"),
        "no_match": gettext("No activities match."),
    }
