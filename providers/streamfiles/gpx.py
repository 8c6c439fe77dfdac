"""GPX 1.1 tracks, read with gpxpy (github.com/tkrajina/gpxpy).

Every track point of every track segment, in order: `time`, `lat`, `lon`, `ele`
(metres), and heart rate and cadence from Garmin's TrackPointExtension (v1 and v2,
www8.garmin.com/xmlschemas/TrackPointExtensionv2.xsd: `hr` in bpm, `cad` in rpm)
where a point carries them. Points without a time cannot be placed on the time axis
and are left out.
"""

import re

import gpxpy
import gpxpy.gpx

from ..errors import MalformedPayloadError
from .samples import number, to_stream

EXTENSION_FIELDS = {"hr": "heartrate_bpm", "cad": "cadence_rpm"}
# gpxpy reads any XML as an empty GPX; a file must at least open a <gpx> element.
GPX_ROOT = re.compile(r"<(?:[\w.-]+:)?gpx[\s>/]")


def parse_gpx(data):
    """StreamData from the bytes (or text) of a GPX file."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if not GPX_ROOT.search(text[:4096]):
        raise MalformedPayloadError("GPX file: no <gpx> element")
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise MalformedPayloadError(f"GPX file: cannot be read ({exc})") from None
    points = [
        point
        for track in gpx.tracks
        for segment in track.segments
        for point in segment.points
        if point.time is not None
    ]
    return to_stream(_sample(point) for point in points)


def _sample(point):
    sample = {
        "at": point.time,
        "latitude": number(point.latitude),
        "longitude": number(point.longitude),
        "altitude_m": number(point.elevation),
    }
    for extension in point.extensions:
        for element in extension.iter():
            channel = EXTENSION_FIELDS.get(_local_name(element.tag))
            if channel:
                sample[channel] = number(element.text)
    return sample


def _local_name(tag):
    return str(tag).rpartition("}")[2]
