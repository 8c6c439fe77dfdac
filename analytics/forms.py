"""The athlete settings form: types and formats here (mm:ss paces, four zone
boxes); the rules the values must follow are analytics.athlete's, shared with the
API, and come back onto the form's fields."""

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sync.display import distance_unit, format_pace_clock, pace_to_s_per_km

from .models import Units

PACE = re.compile(r"^\s*(\d{1,2}):([0-5]\d)\s*$")
ZONE_FIELDS = ("zone_1", "zone_2", "zone_3", "zone_4")


def pace_text(seconds_per_km, units=Units.METRIC):
    """ "4:45" per km, or per mile for `units` imperial; "" when unset."""
    if not seconds_per_km:
        return ""
    return format_pace_clock(seconds_per_km, units)


def _bpm(label, help_text=""):
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class SettingsForm(forms.Form):
    resting_hr_bpm = _bpm(_("Resting heart rate (bpm)"), _("Blank: 60 bpm is used."))
    max_hr_bpm = _bpm(
        _("Max heart rate (bpm)"),
        _("Blank: the highest max HR of your activities is used (190 without any)."),
    )
    ftp_w = forms.IntegerField(
        label=_("FTP (watts)"),
        required=False,
        help_text=_("Functional threshold power: rides with power get TSS with it."),
    )
    threshold_pace = forms.CharField(
        label=_("Threshold pace (mm:ss per km)"), required=False, max_length=6
    )
    zone_1 = _bpm(_("Zone 1 ends at (bpm)"))
    zone_2 = _bpm(_("Zone 2 ends at (bpm)"))
    zone_3 = _bpm(_("Zone 3 ends at (bpm)"))
    zone_4 = _bpm(_("Zone 4 ends at (bpm)"), _("Zone 5 runs to your max HR."))
    units = forms.ChoiceField(
        label=_("Units"), choices=Units.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, pace_units=Units.METRIC, **kwargs):
        """`pace_units`: the athlete's saved units, which the pace is typed in (the
        units choice on this same form applies from the next page on)."""
        super().__init__(*args, **kwargs)
        self.pace_units = pace_units
        unit = distance_unit(pace_units)
        label = gettext("Threshold pace (mm:ss per %(unit)s)")
        self.fields["threshold_pace"].label = label % {"unit": unit}

    def clean_threshold_pace(self):
        text = self.cleaned_data["threshold_pace"].strip()
        if not text:
            return None
        found = PACE.match(text)
        if not found:
            raise forms.ValidationError(
                gettext("Write the pace as minutes:seconds, e.g. 4:45.")
            )
        return pace_to_s_per_km(int(found[1]) * 60 + int(found[2]), self.pace_units)

    def clean(self):
        data = super().clean()
        zones = [data.get(name) for name in ZONE_FIELDS]
        given = [z for z in zones if z is not None]
        if given and len(given) != len(zones):
            raise forms.ValidationError(
                gettext(
                    "Give all four zone boundaries, or leave all four blank for the "
                    "defaults."
                )
            )
        return data

    def values(self):
        """The settings as analytics.athlete.update_settings takes them."""
        data = self.cleaned_data
        zones = [data[name] for name in ZONE_FIELDS]
        return {
            "resting_hr_bpm": data["resting_hr_bpm"],
            "max_hr_bpm": data["max_hr_bpm"],
            "ftp_w": data["ftp_w"],
            "threshold_pace_s_per_km": data["threshold_pace"],
            "hr_zones": zones if zones[0] is not None else [],
            "units": data["units"],
        }

    def add_setting_errors(self, errors):
        """Put analytics.athlete's refusals on the fields they are about."""
        for field, message in errors.items():
            if field == "hr_zones":
                # Translators: the problem is analytics.athlete's, such as "must be
                # above the resting heart rate."
                message = gettext("Heart-rate zones: %(problem)s") % {
                    "problem": message
                }
                self.add_error(None, message)
            elif field == "threshold_pace_s_per_km":
                message = gettext("The pace %(problem)s") % {"problem": message}
                self.add_error("threshold_pace", message)
            else:
                self.add_error(
                    field, gettext("This %(problem)s") % {"problem": message}
                )


def initial(athlete):
    """The form's initial values from the saved settings."""
    zones = list(athlete.hr_zones or []) or [None] * len(ZONE_FIELDS)
    return {
        "resting_hr_bpm": athlete.resting_hr_bpm,
        "max_hr_bpm": athlete.max_hr_bpm,
        "ftp_w": athlete.ftp_w,
        "threshold_pace": pace_text(athlete.threshold_pace_s_per_km, athlete.units),
        **dict(zip(ZONE_FIELDS, zones, strict=True)),
        "units": athlete.units,
    }
