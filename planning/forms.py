"""The workout form: text an athlete types, turned into the values services takes.

The form only parses (a duration, a pace, the structure's typed syntax); whether the
values make a workout is services' call, and its WorkoutInvalid errors are put back
on the fields they are about (apply_errors). The planned distance and the pace
target are read and shown in the athlete's units (km or mi, per km or per mile) and
kept in metres and seconds per km.
"""

import re
from functools import cache

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from providers.sports import SportType
from sync.display import (
    METRIC,
    distance_unit,
    format_pace_clock,
    from_metres,
    pace_to_s_per_km,
    to_metres,
)
from sync.messages import format_duration
from trainlytics import timezones

from . import structure_text
from .services import MAX_DURATION_S
from .structure import StructureError

# Services' value names -> the form field that shows their error.
ERROR_FIELDS = {
    "title": "title",
    "sport_type": "sport_type",
    "scheduled_for": "scheduled_for",
    "scheduled_time": "scheduled_time",
    "planned_duration_s": "planned_duration",
    "planned_distance_m": "planned_distance",
    "description": "description",
    "target": "target_type",
    "structure": "structure",
}
CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
UNITS = re.compile(
    r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
)
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
HOURS_MINUTES = re.compile(r"^(\d+)\s*h\s*(\d{1,2})$")
UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
PACE = re.compile(r"^(\d{1,2}):([0-5]\d)$")
TARGET_TYPES = [
    ("", _("No target")),
    ("hr_zone", _("Heart-rate zone")),
    ("pace", _("Pace")),
    ("power", _("Power")),
]
DURATION_HELP = _(
    # Translators: the examples are what the field reads; keep them as they are.
    "For example 1:30:00 or 45:00 (hours:minutes:seconds or minutes:seconds), "
    "90min, 1h30, 1.5h; a plain number is minutes. Left blank, a structure's "
    "steps give it."
)


def parse_duration(text):
    """Seconds for a duration as athletes write it; None for blank text."""
    text = text.strip().lower()
    if not text:
        return None
    if text.startswith("-"):
        raise forms.ValidationError(gettext("A duration cannot be negative."))
    seconds = next((s for read in READERS if (s := read(text)) is not None), None)
    if seconds is None:
        raise forms.ValidationError(
            gettext("“%(text)s” is not a duration; write 1:30:00, 45:00 or 90min.")
            % {"text": text}
        )
    if seconds <= 0:
        raise forms.ValidationError(gettext("A duration must be more than zero."))
    if seconds > MAX_DURATION_S:
        raise forms.ValidationError(
            gettext("That is too long for one workout (a week at most).")
        )
    return round(seconds)


def _clock(text):
    found = CLOCK.match(text)
    if not found:
        return None
    first, second, third = found.groups()
    if third is None:  # minutes:seconds
        return int(first) * 60 + int(second)
    return int(first) * 3600 + int(second) * 60 + int(third)


def _hours_minutes(text):
    found = HOURS_MINUTES.match(text)
    return int(found.group(1)) * 3600 + int(found.group(2)) * 60 if found else None


def _minutes(text):
    return float(text) * 60 if NUMBER.match(text) else None


def _units(text):
    # The whole text must be amounts with units ("1h 30min"), nothing left over.
    if UNITS.sub("", text).strip():
        return None
    parts = UNITS.findall(text)
    if not parts:
        return None
    return sum(float(amount) * UNIT_SECONDS[unit[0]] for amount, unit in parts)


READERS = (_clock, _hours_minutes, _units, _minutes)


def parse_pace(text, units=METRIC):
    """Seconds per km for "4:30" (per km, or per mile for imperial units); None for
    blank text."""
    unit = distance_unit(units)
    text = text.strip().removesuffix(f"/{unit}").strip()
    if not text:
        return None
    found = PACE.match(text)
    if not found:
        raise forms.ValidationError(
            gettext("“%(text)s” is not a pace; write 4:30 (per %(unit)s).")
            % {"text": text, "unit": unit}
        )
    return pace_to_s_per_km(int(found.group(1)) * 60 + int(found.group(2)), units)


class WorkoutForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sport_type = forms.ChoiceField(label=_("Sport"), choices=SportType.choices)
    scheduled_for = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scheduled_time = forms.TimeField(
        label=_("Time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    planned_duration = forms.CharField(
        label=_("Planned duration"), required=False, help_text=DURATION_HELP
    )
    # Labelled in the athlete's unit (__init__).
    planned_distance = forms.DecimalField(
        required=False, max_digits=9, decimal_places=3
    )
    target_type = forms.ChoiceField(
        label=_("Target"), choices=TARGET_TYPES, required=False
    )
    target_zone = forms.TypedChoiceField(
        label=_("Heart-rate zone"),
        choices=[("", "—")] + [(n, f"Z{n}") for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pace_from = forms.CharField(required=False)
    pace_to = forms.CharField(required=False)
    power_from = forms.IntegerField(label=_("Power from (W)"), required=False)
    power_to = forms.IntegerField(label=_("Power to (W)"), required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    structure = forms.CharField(
        label=_("Steps, one per line"),
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "spellcheck": "false",
                "aria-describedby": "structure-syntax",
            }
        ),
        required=False,
    )

    def __init__(self, *args, units=METRIC, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        per = {"unit": distance_unit(units)}
        fields = self.fields
        fields["planned_distance"].label = gettext("Planned distance (%(unit)s)") % per
        fields["pace_from"].label = gettext("Pace from (min:s per %(unit)s)") % per
        fields["pace_to"].label = gettext("Pace to (min:s per %(unit)s)") % per

    def clean_planned_duration(self):
        return parse_duration(self.cleaned_data["planned_duration"])

    def clean_pace_from(self):
        return parse_pace(self.cleaned_data["pace_from"], self.units)

    def clean_pace_to(self):
        return parse_pace(self.cleaned_data["pace_to"], self.units)

    def clean_structure(self):
        try:
            return structure_text.parse(self.cleaned_data["structure"])
        except StructureError as exc:
            raise forms.ValidationError(str(exc)) from None

    def target(self):
        data = self.cleaned_data
        kind = data.get("target_type")
        if kind == "hr_zone":
            return {"type": kind, "zone": data.get("target_zone")}
        if kind == "pace":
            low, high = data.get("pace_from"), data.get("pace_to")
            return {"type": kind, "min_s_per_km": low, "max_s_per_km": high}
        if kind == "power":
            low, high = data.get("power_from"), data.get("power_to")
            return {"type": kind, "min_w": low, "max_w": high}
        return {}

    def values(self):
        """The cleaned form as services' values (its EDITABLE names)."""
        data = self.cleaned_data
        distance = data["planned_distance"]
        return {
            "title": data["title"],
            "sport_type": data["sport_type"],
            "scheduled_for": data["scheduled_for"],
            "scheduled_time": data["scheduled_time"],
            "planned_duration_s": data["planned_duration"],
            "planned_distance_m": None
            if distance is None
            else to_metres(distance, self.units),
            "description": data["description"],
            "target": self.target(),
            "structure": data["structure"],
        }


def apply_errors(form, invalid):
    """Put services' WorkoutInvalid messages on the fields they are about."""
    for name, message in invalid.errors.items():
        form.add_error(ERROR_FIELDS.get(name), message)


def _distance(metres, units):
    if metres is None:
        return None
    return f"{from_metres(metres, units):.3f}".rstrip("0").rstrip(".")


def initial_for(workout, units=METRIC):
    """The form's starting values for editing `workout` (distances and paces in
    `units`, as the form built with them reads them)."""
    target = workout.target or {}
    initial = {
        "title": workout.title,
        "sport_type": workout.sport_type,
        "scheduled_for": workout.scheduled_for,
        "scheduled_time": workout.scheduled_time,
        "planned_duration": format_duration(workout.planned_duration_s),
        "planned_distance": _distance(workout.planned_distance_m, units),
        "description": workout.description,
        "structure": structure_text.format(workout.structure or {}, units),
        "target_type": target.get("type", ""),
        "target_zone": target.get("zone"),
        "power_from": target.get("min_w"),
        "power_to": target.get("max_w"),
    }
    if target.get("type") == "pace":
        initial["pace_from"] = format_pace_clock(target["min_s_per_km"], units)
        initial["pace_to"] = format_pace_clock(target["max_s_per_km"], units)
    return initial


class DayForm(forms.Form):
    """The date of a move (required) or a duplicate (blank: the same day)."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].required = required


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=timezones.choices)


@cache
def _zone_choices():
    return tuple((v, escape(v), escape(label)) for v, label in timezones.choices())


def time_zone_options(selected):
    """The <option>s of the time zone <select>: about 600 of them, written directly
    because widget templates would cost more than the rest of the calendar page."""
    return mark_safe(  # noqa: S308 - values and labels escaped in _zone_choices
        "".join(
            f'<option value="{value_html}"{" selected" if value == selected else ""}>'
            f"{label_html}</option>"
            for value, value_html, label_html in _zone_choices()
        )
    )
