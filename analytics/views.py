"""The athlete's analytics pages: /analytics/ (loads, fitness, volume, records) and
/analytics/settings/. Thin: parse, call analytics' services, render."""

from django import forms as django_forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import athlete, overview, ranges, services
from .forms import SettingsForm, initial


class RangeForm(django_forms.Form):
    # "from" is a Python keyword, so the fields are named and read by hand.
    first = django_forms.DateField(
        label=pgettext_lazy("start of a date range", "From"), required=False
    )
    last = django_forms.DateField(
        label=pgettext_lazy("end of a date range", "To"), required=False
    )


def _range(request):
    """(first, last, error message) of the fitness window the query asks for."""
    form = RangeForm({"first": request.GET.get("from"), "last": request.GET.get("to")})
    today = ranges.today_of(request.user)
    if not form.is_valid():
        first, last = ranges.resolve(None, None, today)
        message = _("Dates are written YYYY-MM-DD; showing the last 90 days.")
        return first, last, message
    try:
        first, last = ranges.resolve(
            form.cleaned_data["first"], form.cleaned_data["last"], today
        )
    except ranges.RangeInvalid as exc:
        first, last = ranges.resolve(None, None, today)
        showing = _("Showing the last 90 days.")
        return first, last, f"{exc} {showing}"
    return first, last, ""


@login_required
@require_GET
def analytics(request):
    first, last, range_error = _range(request)
    content = overview.analytics_content(request.user, first, last)
    return render(
        request,
        "analytics/analytics.html",
        {"content": content, "range_error": range_error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    saved = services.athlete_settings(request.user.pk)
    if request.method == "POST":
        form = SettingsForm(request.POST, pace_units=saved.units)
        if form.is_valid():
            try:
                athlete.update_settings(request.user.pk, **form.values())
            except athlete.SettingsInvalid as exc:
                form.add_setting_errors(exc.errors)
            else:
                flash.success(request, _("Settings saved."))
                return redirect("analytics:settings")
    else:
        form = SettingsForm(initial=initial(saved), pace_units=saved.units)
    physio = services.physiology(saved)
    return render(
        request,
        "analytics/settings.html",
        {
            "form": form,
            "physiology": physio,
            "default_zones": athlete.effective_zones(saved),
        },
    )
