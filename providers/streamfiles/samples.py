"""Samples (one dict per moment) into StreamData: the shape every parser shares."""

from datetime import datetime

from ..streams import CHANNELS, StreamData


def to_stream(samples):
    """StreamData from dicts holding `at` (an aware datetime) and our channel names.

    Time counts seconds from the first sample; a channel no sample carries is None
    as a whole, and a sample without a value of a recorded channel gets None there.
    """
    samples = [s for s in samples if isinstance(s.get("at"), datetime)]
    if not samples:
        return StreamData(time_s=[])
    first = samples[0]["at"]
    channels = {"time_s": [_seconds(s["at"] - first) for s in samples]}
    for name in CHANNELS:
        if name == "time_s":
            continue
        values = [s.get(name) for s in samples]
        channels[name] = values if any(v is not None for v in values) else None
    return StreamData(**channels)


def _seconds(delta):
    seconds = delta.total_seconds()
    return int(seconds) if seconds.is_integer() else round(seconds, 3)


def number(value, cast=float):
    """`value` as a number, or None when absent or unreadable."""
    if value is None or value == "":
        return None
    try:
        return cast(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
