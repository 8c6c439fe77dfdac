"""The training load of one session: power TSS where we can, else heart-rate TRIMP.

TRIMP (Banister's training impulse, male coefficients; Banister E.W., "Modeling
elite athletic performance", in Physiological Testing of Elite Athletes, 1991; the
form Morton, Fitz-Clarke & Banister used, J Appl Physiol 69, 1990):

    TRIMP = minutes * ΔHR * 0.64 * e^(1.92 * ΔHR),  ΔHR = (avg - rest) / (max - rest)

with ΔHR held within 0..1 (an average under the resting HR is no load, one over the
max HR no more than the max). The female coefficients (0.86, 1.67) are not used:
the athlete's settings have no sex.

TSS (Coggan's Training Stress Score, Allen & Coggan, "Training and Racing with a
Power Meter", 2nd ed., 2010):

    TSS = (s * NP * IF) / (FTP * 3600) * 100,  IF = NP / FTP

NP (normalized power) is the 4th root of the mean of the 4th powers of the 30 s
rolling average of power, taken over the power stream resampled to 1 Hz; s is the
seconds of that series. TSS is used for rides (FTP is a cycling threshold: running
and rowing watts are on other scales) whose streams are ready and have power, when
the athlete has set an FTP; every other session with an average HR gets TRIMP, and a
session with neither has no load.
"""

import math
from dataclasses import dataclass

from providers.sports import SPORT_FAMILIES

from .models import LoadMethod

TRIMP_A = 0.64
TRIMP_B = 1.92
NP_WINDOW_S = 30
# A longer gap between power samples is a pause (auto-pause, a stop): it is not
# filled with the last value beyond this many seconds.
MAX_FILL_S = 5
RESTING_HR_DEFAULT = 60
MAX_HR_DEFAULT = 190
POWER_SPORTS = frozenset(SPORT_FAMILIES["ride"])


@dataclass(frozen=True)
class Physiology:
    """The numbers loads are computed with; *_estimated says a default was used."""

    resting_hr: int
    max_hr: int
    ftp_w: int | None = None
    resting_estimated: bool = False
    max_estimated: bool = False


def trimp(seconds, avg_hr, physiology):
    """Banister's TRIMP of a session, or None without a duration or average HR."""
    if not seconds or not avg_hr or physiology.max_hr <= physiology.resting_hr:
        return None
    reserve = physiology.max_hr - physiology.resting_hr
    ratio = min(max((avg_hr - physiology.resting_hr) / reserve, 0.0), 1.0)
    return seconds / 60 * ratio * TRIMP_A * math.exp(TRIMP_B * ratio)


def power_series(time_s, power_w):
    """Power at 1 Hz: each sample held until the next one (at most MAX_FILL_S s);
    samples without power or time are left out."""
    series = []
    samples = [
        (t, p)
        for t, p in zip(time_s, power_w, strict=False)
        if t is not None and p is not None
    ]
    for (t, p), (t_next, _) in zip(samples, [*samples[1:], (None, None)], strict=True):
        gap = 1 if t_next is None else round(t_next - t)
        series.extend([p] * max(1, min(gap, MAX_FILL_S)))
    return series


def normalized_power(series):
    """NP of a 1 Hz power series, or None when it is shorter than the window."""
    if len(series) < NP_WINDOW_S:
        return None
    window = sum(series[:NP_WINDOW_S])
    fourth = [(window / NP_WINDOW_S) ** 4]
    for i in range(NP_WINDOW_S, len(series)):
        window += series[i] - series[i - NP_WINDOW_S]
        fourth.append((window / NP_WINDOW_S) ** 4)
    return (sum(fourth) / len(fourth)) ** 0.25


def tss(seconds, np_w, ftp_w):
    """Coggan's TSS for `seconds` at normalized power `np_w`."""
    intensity = np_w / ftp_w
    return seconds * np_w * intensity / (ftp_w * 3600) * 100


def power_tss(channels, ftp_w):
    """TSS from decoded streams (analytics.streams.codec), or None without power."""
    power = channels.get("power_w")
    time_s = channels.get("time_s")
    if not power or not time_s or not ftp_w:
        return None
    series = power_series(time_s, power)
    np_w = normalized_power(series)
    if not np_w:
        return None
    return tss(len(series), np_w, ftp_w)


def session_load(session, physiology, channels=None):
    """(load, method) of one session, or None when it has no HR and no power.

    `session` is a mapping with sport_type, moving_time_s, elapsed_time_s and
    avg_hr_bpm; `channels` its decoded streams when they are ready and have power.
    """
    if channels and session["sport_type"] in POWER_SPORTS:
        value = power_tss(channels, physiology.ftp_w)
        if value is not None:
            return value, LoadMethod.TSS
    seconds = session["moving_time_s"] or session["elapsed_time_s"]
    value = trimp(seconds, session["avg_hr_bpm"], physiology)
    if value is None:
        return None
    return value, LoadMethod.TRIMP
