"""FIT, GPX and TCX files read into StreamData (providers/streamfiles/).

FIT fixtures are written here with fit-tool's encoder; GPX and TCX fixtures are
small documents in the providers' own dialects (Garmin's extensions)."""

import pytest

from providers.errors import MalformedPayloadError
from providers.streamfiles import parse_fit, parse_gpx, parse_tcx

from .stream_fixtures import fit_bytes

RIDE = [
    (
        0,
        {
            "position_lat": 48.8566,
            "position_long": 2.3522,
            "enhanced_altitude": 35.2,
            "heart_rate": 101,
            "enhanced_speed": 6.5,
            "cadence": 80,
            "power": 180,
            "distance": 0.0,
        },
    ),
    (
        1,
        {
            "position_lat": 48.85665,
            "position_long": 2.35228,
            "enhanced_altitude": 35.6,
            "heart_rate": 104,
            "enhanced_speed": 6.75,
            "cadence": 82,
            "power": 195,
            "distance": 6.6,
        },
    ),
    (3, {"heart_rate": 107}),  # a gap: no position or power this second
]


def test_fit_records_become_seconds_from_the_first_and_our_units():
    stream = parse_fit(fit_bytes(RIDE))

    assert stream.time_s == [0, 1, 3]
    assert stream.latitude == [pytest.approx(48.8566), pytest.approx(48.85665), None]
    assert stream.longitude[1] == pytest.approx(2.35228)
    assert stream.altitude_m[:2] == [pytest.approx(35.2), pytest.approx(35.6)]
    assert stream.heartrate_bpm == [101, 104, 107]
    assert stream.speed_m_s[:2] == [pytest.approx(6.5), pytest.approx(6.75)]
    assert stream.cadence_rpm == [80, 82, None]
    assert stream.power_w == [180, 195, None]
    assert stream.distance_m[:2] == [pytest.approx(0.0), pytest.approx(6.6)]


def test_fit_channels_never_recorded_are_none_as_a_whole():
    stream = parse_fit(fit_bytes([(0, {"heart_rate": 90}), (1, {"heart_rate": 92})]))

    assert stream.heartrate_bpm == [90, 92]
    assert stream.latitude is None and stream.power_w is None


def test_fit_falls_back_to_the_plain_altitude_and_speed_fields():
    stream = parse_fit(fit_bytes([(0, {"altitude": 120.0, "speed": 3.2})]))

    assert stream.altitude_m == [pytest.approx(120.0)]
    assert stream.speed_m_s == [pytest.approx(3.2)]


def test_fit_file_without_records_has_no_samples():
    assert parse_fit(fit_bytes([])).time_s == []


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not a fit file at all", None],
    ids=["empty", "text", "truncated"],
)
def test_a_broken_fit_file_is_a_malformed_payload(garbage):
    if garbage is None:
        whole = fit_bytes(RIDE)
        garbage = whole[: len(whole) - 9]
    with pytest.raises(MalformedPayloadError, match="FIT file"):
        parse_fit(garbage)


def test_a_fit_file_with_a_bad_checksum_is_a_malformed_payload():
    whole = bytearray(fit_bytes(RIDE))
    whole[-1] ^= 0xFF

    with pytest.raises(MalformedPayloadError, match="FIT file"):
        parse_fit(bytes(whole))


GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
 xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
 <trk><name>Morning run</name><trkseg>
  <trkpt lat="48.8566" lon="2.3522"><ele>35.0</ele>
   <time>2026-05-03T07:30:00Z</time>
   <extensions><gpxtpx:TrackPointExtension>
    <gpxtpx:hr>131</gpxtpx:hr><gpxtpx:cad>84</gpxtpx:cad>
   </gpxtpx:TrackPointExtension></extensions>
  </trkpt>
  <trkpt lat="48.8567" lon="2.3523"><ele>35.5</ele>
   <time>2026-05-03T07:30:02Z</time>
  </trkpt>
  <trkpt lat="48.8568" lon="2.3524"><ele>36.0</ele></trkpt>
 </trkseg></trk>
</gpx>"""


def test_gpx_trackpoints_give_time_position_elevation_and_garmin_hr_and_cadence():
    stream = parse_gpx(GPX.encode())

    # The third point has no time and cannot be placed.
    assert stream.time_s == [0, 2]
    assert stream.latitude == [48.8566, 48.8567]
    assert stream.longitude == [2.3522, 2.3523]
    assert stream.altitude_m == [35.0, 35.5]
    assert stream.heartrate_bpm == [131, None]
    assert stream.cadence_rpm == [84, None]
    assert stream.speed_m_s is None and stream.power_w is None


@pytest.mark.parametrize("garbage", [b"<gpx><trk>", b"plain text", b"<other/>"])
def test_a_broken_gpx_file_is_a_malformed_payload(garbage):
    with pytest.raises(MalformedPayloadError, match="GPX file"):
        parse_gpx(garbage)


TCX = """<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase
 xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
 xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
 <Activities><Activity Sport="Biking"><Id>2026-05-03T07:30:00Z</Id>
  <Lap StartTime="2026-05-03T07:30:00Z"><Track>
   <Trackpoint><Time>2026-05-03T07:30:00Z</Time>
    <Position><LatitudeDegrees>48.8566</LatitudeDegrees>
     <LongitudeDegrees>2.3522</LongitudeDegrees></Position>
    <AltitudeMeters>35.0</AltitudeMeters><DistanceMeters>0.0</DistanceMeters>
    <HeartRateBpm><Value>120</Value></HeartRateBpm><Cadence>85</Cadence>
    <Extensions><ns3:TPX><ns3:Speed>7.5</ns3:Speed><ns3:Watts>210</ns3:Watts>
    </ns3:TPX></Extensions>
   </Trackpoint>
   <Trackpoint><Time>2026-05-03T07:30:05.000Z</Time>
    <HeartRateBpm><Value>122</Value></HeartRateBpm>
    <DistanceMeters>37.5</DistanceMeters>
   </Trackpoint>
  </Track></Lap>
 </Activity></Activities>
</TrainingCenterDatabase>"""


def test_tcx_trackpoints_give_every_channel_with_the_tpx_extension():
    stream = parse_tcx(TCX.encode())

    assert stream.time_s == [0, 5]
    assert stream.latitude == [48.8566, None]
    assert stream.longitude == [2.3522, None]
    assert stream.altitude_m == [35.0, None]
    assert stream.distance_m == [0.0, 37.5]
    assert stream.heartrate_bpm == [120, 122]
    assert stream.cadence_rpm == [85, None]
    assert stream.speed_m_s == [7.5, None]
    assert stream.power_w == [210, None]


@pytest.mark.parametrize(
    "garbage",
    [
        b"<TrainingCenterDatabase><Activities>",
        b"<gpx/>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><TrainingCenterDatabase/>',
    ],
    ids=["truncated", "not-tcx", "entities"],
)
def test_a_broken_or_hostile_tcx_file_is_a_malformed_payload(garbage):
    with pytest.raises(MalformedPayloadError, match="TCX file"):
        parse_tcx(garbage)
