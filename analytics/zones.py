"""Training zones: the one place their defaults live.

Heart rate: five zones split by four upper bounds (bpm). The athlete's own bounds
(AthleteSettings.hr_zones) win; otherwise they are 60, 70, 80 and 90 % of max HR, the
common five-zone model. Power: Coggan's seven zones, split at 55, 75, 90, 105, 120
and 150 % of FTP.
"""

from django.utils.translation import pgettext_lazy

HR_ZONE_SHARES = (0.60, 0.70, 0.80, 0.90)
HR_ZONE_NAMES = (
    # Translators: the names of training zones (heart rate, then power).
    pgettext_lazy("training zone", "Recovery"),
    pgettext_lazy("training zone", "Endurance"),
    pgettext_lazy("training zone", "Tempo"),
    pgettext_lazy("training zone", "Threshold"),
    pgettext_lazy("training zone", "Maximum"),
)

POWER_ZONE_SHARES = (0.55, 0.75, 0.90, 1.05, 1.20, 1.50)
POWER_ZONE_NAMES = (
    pgettext_lazy("training zone", "Active recovery"),
    pgettext_lazy("training zone", "Endurance"),
    pgettext_lazy("training zone", "Tempo"),
    pgettext_lazy("training zone", "Threshold"),
    pgettext_lazy("training zone", "VO2max"),
    pgettext_lazy("training zone", "Anaerobic"),
    pgettext_lazy("training zone", "Neuromuscular"),
)


def default_hr_zones(max_hr_bpm):
    """Upper bounds (bpm) of zones 1 to 4 derived from max HR."""
    return [round(max_hr_bpm * share) for share in HR_ZONE_SHARES]


def hr_zones(own, max_hr_bpm):
    """Upper bounds of zones 1 to 4: the athlete's `own` when set, else derived
    from `max_hr_bpm`; None when neither is known."""
    if own:
        return [float(bound) for bound in own]
    if max_hr_bpm:
        return default_hr_zones(max_hr_bpm)
    return None


def hr_zone_bounds(athlete):
    """hr_zones() of an AthleteSettings (or None: no settings saved yet)."""
    if athlete is None:
        return None
    return hr_zones(athlete.hr_zones, athlete.max_hr_bpm)


def power_zone_bounds(ftp_w):
    """Upper bounds (watts) of Coggan's zones 1 to 6; None without an FTP."""
    if not ftp_w:
        return None
    return [ftp_w * share for share in POWER_ZONE_SHARES]
