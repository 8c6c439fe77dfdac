"""FIT activity files, read with fitdecode (github.com/polyvertex/fitdecode).

Only `record` messages matter here (FIT SDK Profile: record). Their fields, in the
SDK's units as fitdecode applies scale and offset: timestamp, position_lat and
position_long in semicircles (degrees = semicircles * 180 / 2**31), altitude and
enhanced_altitude in metres (the enhanced field wins: it does not wrap), speed and
enhanced_speed in m/s, heart_rate in bpm, cadence in rpm, power in watts and
distance in metres.
"""

import io

import fitdecode

from ..errors import MalformedPayloadError
from .samples import number, to_stream

SEMICIRCLE = 180 / 2**31
# Our channel: the record fields that may carry it, best first.
FIELDS = {
    "altitude_m": ("enhanced_altitude", "altitude"),
    "heartrate_bpm": ("heart_rate",),
    "speed_m_s": ("enhanced_speed", "speed"),
    "cadence_rpm": ("cadence",),
    "power_w": ("power",),
    "distance_m": ("distance",),
}


def parse_fit(data):
    """StreamData from the bytes of a FIT activity file."""
    try:
        samples = list(_samples(data))
    except (fitdecode.FitError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise MalformedPayloadError(f"FIT file: cannot be read ({exc})") from None
    stream = to_stream(samples)
    stream.original_fit = bytes(data)
    return stream


def _samples(data):
    if not data:
        raise ValueError("empty file")
    reader = fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        keep_raw_chunks=False,
    )
    with reader as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                yield _sample(frame)


def _first(values, names):
    for name in names:
        value = values.get(name)
        if value is not None:
            return value
    return None


def _degrees(value):
    value = number(value)
    return None if value is None else round(value * SEMICIRCLE, 7)


def _sample(frame):
    # One pass over the fields: has_field/get_value would search them per name.
    values = {field.name: field.value for field in frame.fields}
    sample = {
        "at": values.get("timestamp"),
        "latitude": _degrees(values.get("position_lat")),
        "longitude": _degrees(values.get("position_long")),
    }
    for channel, names in FIELDS.items():
        sample[channel] = number(_first(values, names))
    return sample
