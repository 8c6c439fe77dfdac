"""Garmin Activity Details: the samples of one activity (providers.md §3.5).

Sources: Garmin "Activity API" v1.2.3 (partner-gated; its activity-details field
table is quoted by integrations found by code search, e.g. radarbase's Garmin
connector and several TypeScript `GarminActivityDetailSample` models).
`activityDetails` summaries are `{summaryId: "<activity summaryId>-detail",
activityId, summary: {...}, samples: [...], laps: [...]}`; each sample has
`startTimeInSeconds` (UTC epoch), `latitudeInDegree`, `longitudeInDegree`,
`elevationInMeters`, `heartRate` (bpm), `speedMetersPerSecond`,
`totalDistanceInMeters`, `powerInWatts`, `bikeCadenceInRPM`, `stepsPerMinute`,
`swimCadenceInStrokesPerMinute`, and timer/clock/moving durations. Activities
longer than 24 h are not delivered as details (use files).

How we get them. Garmin is push-first, and we take activity summaries by ping/push
or by pulling GET /wellness-api/rest/activities over upload windows
(garmin.py); we do not subscribe to activityDetails pushes, because storing every
activity's samples as they arrive is what the issue forbids (streams are fetched
lazily, within budget). Details are pulled instead, like summaries:
GET /wellness-api/rest/activityDetails?uploadStartTimeInSeconds=&uploadEndTimeInSeconds=
(the same upload-time rules: seconds, at most 24 h per call, §3.5). A summary does
not say when it was uploaded, only that it was after the activity started, so we
ask for the upload windows of the first DETAIL_WINDOWS days after the start, one
request each, and keep the detail whose summaryId is ours + "-detail" (or whose
activityId is ours). An activity synced to Garmin later than that has no details
we can pull: None, "unavailable" (a backfill of activityDetails would push them,
but we do not receive that push).
"""

from datetime import timedelta

from ..errors import MalformedPayloadError, TransientProviderError, garbled
from ..streams import StreamData
from .base import epoch_to_datetime

DETAIL_WINDOWS = 2  # days of upload windows searched after the start
DAY = 86400
# Sample field -> our channel.
FIELDS = {
    "latitudeInDegree": "latitude",
    "longitudeInDegree": "longitude",
    "elevationInMeters": "altitude_m",
    "heartRate": "heartrate_bpm",
    "speedMetersPerSecond": "speed_m_s",
    "totalDistanceInMeters": "distance_m",
    "powerInWatts": "power_w",
}


def _cadence(sample):
    """rpm: bike cadence as is; run/walk steps per minute count both feet."""
    if sample.get("bikeCadenceInRPM") is not None:
        return sample["bikeCadenceInRPM"]
    steps = sample.get("stepsPerMinute")
    return None if steps is None else steps / 2


def streams_from_samples(samples):
    """StreamData from an activityDetails `samples` list; None when it is empty."""
    timed = [
        s
        for s in samples or []
        if isinstance(s, dict) and s.get("startTimeInSeconds") is not None
    ]
    if not timed:
        return None
    try:
        first = float(timed[0]["startTimeInSeconds"])
        channels = {"time_s": [float(s["startTimeInSeconds"]) - first for s in timed]}
    except (TypeError, ValueError):
        raise MalformedPayloadError("garmin details: bad startTimeInSeconds") from None
    channels["time_s"] = [int(t) if t.is_integer() else t for t in channels["time_s"]]
    for key, channel in FIELDS.items():
        values = [s.get(key) for s in timed]
        channels[channel] = values if any(v is not None for v in values) else None
    cadence = [_cadence(s) for s in timed]
    channels["cadence_rpm"] = cadence if any(v is not None for v in cadence) else None
    return StreamData(**channels)


def _matches(detail, summary_id, activity_id):
    if not isinstance(detail, dict):
        return False
    if str(detail.get("summaryId")) == f"{summary_id}-detail":
        return True
    return activity_id is not None and str(detail.get("activityId")) == str(activity_id)


class GarminActivityDetails:
    """fetch_streams for GarminBackend (mixed in like GarminTrainingApi)."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        raw = activity.activity_data
        start = activity.start_time
        if start is None:
            try:
                start = epoch_to_datetime(raw["startTimeInSeconds"])
            except (KeyError, TypeError, ValueError):
                raise MalformedPayloadError("garmin activity: no start time") from None
        if float(raw.get("durationInSeconds") or 0) > DAY:
            return None  # §3.5: details are not delivered past 24 h
        summary_id = raw.get("summaryId") or activity.provider_activity_id
        for day in range(DETAIL_WINDOWS):
            low = int((start + timedelta(days=day)).timestamp())
            details = self._get(
                http,
                "activityDetails",
                credentials,
                params={
                    "uploadStartTimeInSeconds": low,
                    "uploadEndTimeInSeconds": low + DAY,
                },
            )
            if not isinstance(details, list):
                raise TransientProviderError(
                    "garmin: activityDetails window is not a list",
                    user_message=garbled("Garmin"),
                )
            for detail in details:
                if _matches(detail, summary_id, raw.get("activityId")):
                    return streams_from_samples(detail.get("samples"))
        return None
