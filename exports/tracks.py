"""An activity's stored streams as files: a GPX track (gpxpy) and a CSV of every
channel.

GPX 1.1 carries position, elevation and time; heart rate and cadence go in Garmin's
TrackPointExtension v1 (www8.garmin.com/xmlschemas/TrackPointExtensionv1.xsd), which
most tools read. GPX has no place for samples without a position, nor a standard one
for power: the CSV keeps every sample and every channel.
"""

import csv
import xml.etree.ElementTree as ET
from datetime import timedelta

import gpxpy.gpx

from analytics.streams import codec
from providers.streams import CHANNELS

TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX_FIELDS = (("heartrate_bpm", "hr"), ("cadence_rpm", "cad"))


def channels_of(row):
    """Every channel of an ActivityStreams row at full rate."""
    return codec.decode(row.data) if row.data else {}


def gpx_text(activity, channels):
    """The GPX document of `channels` (from codec.decode), or None without a route."""
    latitudes, longitudes = channels.get("latitude"), channels.get("longitude")
    if not latitudes or not longitudes:
        return None
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Trainlytics"
    gpx.nsmap["gpxtpx"] = TPX
    track = gpxpy.gpx.GPXTrack(name=activity.name or None)
    track.type = activity.sport_type
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    gpx.tracks.append(track)
    altitudes = channels.get("altitude_m")
    for i, offset in enumerate(channels["time_s"]):
        if latitudes[i] is None or longitudes[i] is None:
            continue
        point = gpxpy.gpx.GPXTrackPoint(
            latitudes[i],
            longitudes[i],
            elevation=altitudes[i] if altitudes else None,
            time=activity.start_time + timedelta(seconds=offset),
        )
        extension = _extension(channels, i)
        if extension is not None:
            point.extensions.append(extension)
        segment.points.append(point)
    if not segment.points:
        return None
    return gpx.to_xml(version="1.1")


def _extension(channels, i):
    values = [
        (tag, channels[name][i])
        for name, tag in TPX_FIELDS
        if channels.get(name) and channels[name][i] is not None
    ]
    if not values:
        return None
    element = ET.Element(f"{{{TPX}}}TrackPointExtension")
    for tag, value in values:
        ET.SubElement(element, f"{{{TPX}}}{tag}").text = str(round(value))
    return element


def write_csv(out, activity, channels):
    """Every sample to the text stream `out`: its UTC time, then each channel."""
    names = [name for name in CHANNELS if name in channels]
    writer = csv.writer(out)
    writer.writerow(["time", *names])
    for i, offset in enumerate(channels.get("time_s") or ()):
        at = activity.start_time + timedelta(seconds=offset)
        writer.writerow(
            [
                at.isoformat(),
                *("" if channels[n][i] is None else channels[n][i] for n in names),
            ]
        )
