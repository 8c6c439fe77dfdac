"""Strava activity streams: providers.md §2.5 (analytics time series).

Docs: https://developers.strava.com/docs/reference/#api-Streams-getActivityStreams
(and the older https://strava.github.io/api/v3/streams). GET
/api/v3/activities/{id}/streams?keys=...&key_by_type=true (`key_by_type` "must be
true") needs `activity:read` (`activity:read_all` for "Only You" activities) and
answers a StreamSet: one object per stream type, each with `data` (all streams of
an activity have the same length, index i is the same moment), `series_type`,
`original_size` and `resolution`. Types and units: `time` (integer seconds from
the start), `latlng` ([lat, lng] floats), `distance` (m), `altitude` (m),
`velocity_smooth` (m/s), `heartrate` (bpm), `cadence` (rpm), `watts`. A stream the
activity lacks is left out of the answer; manual activities have none (404 or no
`time`). One request per activity, counted against Strava's read limit (100 per
15 min per app, §2.6).
"""

from ..errors import MalformedPayloadError
from ..http import parse_json, raise_for_provider_status
from ..streams import StreamData

KEYS = (
    "time",
    "latlng",
    "distance",
    "altitude",
    "heartrate",
    "velocity_smooth",
    "cadence",
    "watts",
)
# Strava's stream type -> our channel (latlng is split in two).
CHANNELS = {
    "distance": "distance_m",
    "altitude": "altitude_m",
    "heartrate": "heartrate_bpm",
    "velocity_smooth": "speed_m_s",
    "cadence": "cadence_rpm",
    "watts": "power_w",
}


def _by_type(body):
    """{type: data} from a StreamSet (or the list form key_by_type=false gives)."""
    if isinstance(body, list):
        body = {item.get("type"): item for item in body if isinstance(item, dict)}
    if not isinstance(body, dict):
        raise MalformedPayloadError("strava streams: not an object")
    found = {}
    for key, stream in body.items():
        data = stream.get("data") if isinstance(stream, dict) else None
        if isinstance(data, list):
            found[key] = data
    return found


def streams_from_stream_set(body):
    """StreamData from Strava's StreamSet; None without a time stream."""
    found = _by_type(body)
    if not found.get("time"):
        return None
    channels = {"time_s": found["time"]}
    for key, channel in CHANNELS.items():
        channels[channel] = found.get(key)
    if "latlng" in found:
        pairs = [
            p if isinstance(p, list) and len(p) == 2 else (None, None)
            for p in found["latlng"]
        ]
        channels["latitude"] = [p[0] for p in pairs]
        channels["longitude"] = [p[1] for p in pairs]
    try:
        return StreamData(**channels)
    except ValueError as exc:
        raise MalformedPayloadError(f"strava streams: {exc}") from None


class StravaStreams:
    """fetch_streams for StravaBackend."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        if activity.activity_data.get("manual"):
            return None  # typed in by hand: nothing was recorded
        response = http.get(
            f"{self.api_url}/activities/{activity.provider_activity_id}/streams",
            params={"keys": ",".join(KEYS), "key_by_type": "true"},
            headers=self.api_headers(credentials),
            check=False,
        )
        if response.status_code == 404:
            return None
        raise_for_provider_status(response, self.slug, self.reauth_statuses)
        return streams_from_stream_set(parse_json(response, self.slug))
