"""TCX (Garmin Training Center Database v2) files, read with ElementTree.

Schema: www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd. Each
Activity/Lap/Track/Trackpoint gives `Time`, `Position` (`LatitudeDegrees`,
`LongitudeDegrees`), `AltitudeMeters`, `DistanceMeters`, `HeartRateBpm/Value` and
`Cadence` (rpm); the ActivityExtension v2 `TPX` element
(www8.garmin.com/xmlschemas/ActivityExtensionv2.xsd) adds `Speed` (m/s) and `Watts`.
Elements are matched by local name, so files that spell the namespaces with other
prefixes (or none) read the same. Trackpoints without a time are left out.
"""

import xml.etree.ElementTree as ET
from datetime import datetime

from ..errors import MalformedPayloadError
from .samples import number, to_stream

# Our channel: the path of local names below a Trackpoint.
FIELDS = {
    "latitude": ("Position", "LatitudeDegrees"),
    "longitude": ("Position", "LongitudeDegrees"),
    "altitude_m": ("AltitudeMeters",),
    "distance_m": ("DistanceMeters",),
    "heartrate_bpm": ("HeartRateBpm", "Value"),
    "cadence_rpm": ("Cadence",),
    "speed_m_s": ("Extensions", "TPX", "Speed"),
    "power_w": ("Extensions", "TPX", "Watts"),
}


def parse_tcx(data):
    """StreamData from the bytes of a TCX file."""
    if isinstance(data, str):
        data = data.encode()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        # TCX has no DTD; refusing one leaves no entity to expand (billion laughs).
        raise MalformedPayloadError("TCX file: document type declarations refused")
    try:
        root = ET.fromstring(data)  # noqa: S314 — DTDs refused above
    except ET.ParseError as exc:
        raise MalformedPayloadError(f"TCX file: not XML ({exc})") from None
    if _local(root.tag) != "TrainingCenterDatabase":
        raise MalformedPayloadError("TCX file: no TrainingCenterDatabase root")
    points = [el for el in root.iter() if _local(el.tag) == "Trackpoint"]
    return to_stream(_sample(point) for point in points)


def _local(tag):
    return str(tag).rpartition("}")[2]


def _find(element, path):
    for name in path:
        element = next((c for c in element if _local(c.tag) == name), None)
        if element is None:
            return None
    return element.text


def _time(point):
    text = _find(point, ("Time",))
    try:
        return datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        return None


def _sample(point):
    sample = {"at": _time(point)}
    for channel, path in FIELDS.items():
        sample[channel] = number(_find(point, path))
    return sample
