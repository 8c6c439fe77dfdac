"""GET /api/activities/{id}/streams: an activity's time series, mounted at /api/ by
trainlytics/api.py (beside sync's GET /api/activities/{id}, which it extends).

Any copy of a session answers with the session's streams. Asking for streams that
are not there yet queues a HIGH priority fetch (analytics.streams.queue) and says
"pending": ask again in a few seconds. Another athlete's id is 404.
"""

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from sync.models import Activity
from sync.schemas import ErrorOut
from trainlytics.stored_text import shown

from .models import StreamStatus
from .streams import queue, store

router = Router(tags=["analytics"])

# Our channel names (units in the name, analytics.streams.codec) as the API names
# them; the units are in the schema's description.
API_NAMES = {
    "time_s": "time",
    "distance_m": "distance",
    "latitude": "latitude",
    "longitude": "longitude",
    "altitude_m": "altitude",
    "heartrate_bpm": "heartrate",
    "speed_m_s": "speed",
    "cadence_rpm": "cadence",
    "power_w": "power",
}
CHANNELS_DESCRIPTION = (
    "Equal-length arrays, null where a sample lacks the value; only recorded "
    "channels. time: s from the start; distance, altitude: m; latitude, "
    "longitude: degrees; heartrate: bpm; speed: m/s; cadence: rpm; power: W."
)


class StreamsFilters(Schema):
    resolution: Literal["low", "high"] = Field(
        "low", description="low: about 600 points (charts); high: every sample"
    )


class StreamsOut(Schema):
    status: Literal["ready", "pending", "unavailable"]
    source: str | None = Field(description="The provider the streams came from")
    message: str = Field(description="Why they are unavailable, or what is awaited")
    resolution: Literal["low", "high"]
    samples: int = Field(description="Samples at this resolution")
    channels: dict[str, list[int | float | None]] = Field(
        description=CHANNELS_DESCRIPTION
    )


@router.get(
    "/activities/{int:activity_id}/streams",
    response={200: StreamsOut, 404: ErrorOut},
)
def activity_streams(request, activity_id: int, filters: Query[StreamsFilters]):
    """The session's time series; "pending" queues a fetch at high priority."""
    activity = get_object_or_404(Activity, pk=activity_id, user=request.auth)
    row = store.streams_for(activity)
    if row is None or row.status != StreamStatus.READY:
        row = queue.request_now(activity, row)
    channels = store.channels_of(row, filters.resolution)
    return {
        "status": _status(row.status),
        "source": row.source or None,
        # Stored in English; the API answers in the request's language.
        "message": shown(row.error_message),
        "resolution": filters.resolution,
        "samples": len(channels.get("time_s") or ()),
        "channels": {API_NAMES[name]: values for name, values in channels.items()},
    }


def _status(status):
    # A failed fetch is, for the client, streams it cannot have (message says why).
    if status == StreamStatus.FAILED:
        return "unavailable"
    return status
