"""A sandbox session's recording as the files providers hand out: FIT (encoded
with fit-tool's FitFileBuilder), GPX 1.1 (gpxpy, heart rate and cadence in Garmin's
TrackPointExtension v1) and TCX v2 (ElementTree, speed and power in the
ActivityExtension v2 TPX element). Files are cached per session: a 4-hour ride
takes a moment to encode and clients ask for the same one again.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta
from functools import lru_cache

import gpxpy.gpx
from fit_tool.data_message import DataMessage
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages import record_message
from fit_tool.profile.messages.common_fields import TimestampField
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.profile_type import Event, EventType, FileType, Manufacturer

from .stream_series import series_for

TPX_V1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
TCX_SPORTS = {"run": "Running", "ride": "Biking"}
RECORD_FIELDS = (
    TimestampField,
    record_message.RecordPositionLatField,
    record_message.RecordPositionLongField,
    record_message.RecordEnhancedAltitudeField,
    record_message.RecordHeartRateField,
    record_message.RecordCadenceField,
    record_message.RecordDistanceField,
    record_message.RecordEnhancedSpeedField,
    record_message.RecordPowerField,
)


class RecordMessage(record_message.RecordMessage):
    """fit-tool's record message holding only the fields we write.

    The stock one builds all ~80 profile fields per message, which makes a 4-hour
    ride take seconds to encode; the encoder writes the same bytes for the fields
    that are set either way.
    """

    def __init__(self):
        DataMessage.__init__(
            self,
            name=record_message.RecordMessage.NAME,
            global_id=record_message.RecordMessage.ID,
            fields=[field(size=0, growable=True) for field in RECORD_FIELDS],
        )


def _millis(moment):
    return round(moment.timestamp() * 1000)


def _timer_event(kind, moment):
    event = EventMessage()
    event.event = Event.TIMER
    event.event_type = kind
    event.timestamp = _millis(moment)
    return event


def _record(series, index, moment):
    record = RecordMessage()
    record.timestamp = _millis(moment)
    if series.latitude is not None:
        record.position_lat = series.latitude[index]
        record.position_long = series.longitude[index]
    if series.altitude_m is not None:
        record.enhanced_altitude = series.altitude_m[index]
    if series.distance_m is not None:
        record.distance = series.distance_m[index]
        record.enhanced_speed = series.speed_m_s[index]
        record.cadence = series.cadence_rpm[index]
    if series.power_w is not None:
        record.power = series.power_w[index]
    record.heart_rate = series.heartrate_bpm[index]
    return record


@lru_cache(maxsize=16)
def fit_file(session):
    """The session as a FIT activity file (bytes)."""
    series = series_for(session)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = _millis(session.start)
    file_id.serial_number = 0x5A4D0001
    builder.add(file_id)
    builder.add(_timer_event(EventType.START, session.start))
    builder.add_all(
        [
            _record(series, i, session.start + timedelta(seconds=t))
            for i, t in enumerate(series.time_s)
        ]
    )
    builder.add(_timer_event(EventType.STOP_ALL, session.end))
    return builder.build().to_bytes()


@lru_cache(maxsize=16)
def gpx_file(session):
    """The session's track as GPX 1.1 (bytes); None without a route."""
    series = series_for(session)
    if series.latitude is None:
        return None
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Trainlytics sandbox"
    gpx.nsmap["gpxtpx"] = TPX_V1
    segment = gpxpy.gpx.GPXTrackSegment()
    for i, t in enumerate(series.time_s):
        point = gpxpy.gpx.GPXTrackPoint(
            series.latitude[i],
            series.longitude[i],
            elevation=series.altitude_m[i],
            time=session.start + timedelta(seconds=t),
        )
        extension = ET.Element(f"{{{TPX_V1}}}TrackPointExtension")
        ET.SubElement(extension, f"{{{TPX_V1}}}hr").text = str(series.heartrate_bpm[i])
        ET.SubElement(extension, f"{{{TPX_V1}}}cad").text = str(series.cadence_rpm[i])
        point.extensions.append(extension)
        segment.points.append(point)
    track = gpxpy.gpx.GPXTrack(name=session.name)
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1").encode()


def _text(parent, tag, value):
    ET.SubElement(parent, f"{{{TCX_NS}}}{tag}").text = str(value)


def _trackpoint(track, series, i, moment):
    point = ET.SubElement(track, f"{{{TCX_NS}}}Trackpoint")
    _text(point, "Time", moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if series.latitude is not None:
        position = ET.SubElement(point, f"{{{TCX_NS}}}Position")
        _text(position, "LatitudeDegrees", series.latitude[i])
        _text(position, "LongitudeDegrees", series.longitude[i])
        _text(point, "AltitudeMeters", series.altitude_m[i])
    if series.distance_m is not None:
        _text(point, "DistanceMeters", series.distance_m[i])
    heart = ET.SubElement(point, f"{{{TCX_NS}}}HeartRateBpm")
    _text(heart, "Value", series.heartrate_bpm[i])
    if series.distance_m is not None:
        _text(point, "Cadence", series.cadence_rpm[i])
        tpx = ET.SubElement(
            ET.SubElement(point, f"{{{TCX_NS}}}Extensions"), f"{{{AX_NS}}}TPX"
        )
        ET.SubElement(tpx, f"{{{AX_NS}}}Speed").text = str(series.speed_m_s[i])
        if series.power_w is not None:
            ET.SubElement(tpx, f"{{{AX_NS}}}Watts").text = str(series.power_w[i])


@lru_cache(maxsize=16)
def tcx_file(session):
    """The session as a TCX v2 activity with one lap (bytes)."""
    series = series_for(session)
    ET.register_namespace("", TCX_NS)
    ET.register_namespace("ax", AX_NS)
    root = ET.Element(f"{{{TCX_NS}}}TrainingCenterDatabase")
    activities = ET.SubElement(root, f"{{{TCX_NS}}}Activities")
    activity = ET.SubElement(
        activities,
        f"{{{TCX_NS}}}Activity",
        Sport=TCX_SPORTS.get(session.sport, "Other"),
    )
    started = session.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    _text(activity, "Id", started)
    lap = ET.SubElement(activity, f"{{{TCX_NS}}}Lap", StartTime=started)
    _text(lap, "TotalTimeSeconds", session.elapsed_s)
    _text(lap, "DistanceMeters", session.distance_m or 0)
    _text(lap, "Calories", session.kcal)
    track = ET.SubElement(lap, f"{{{TCX_NS}}}Track")
    for i, t in enumerate(series.time_s):
        _trackpoint(track, series, i, session.start + timedelta(seconds=t))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
