"""What a backend hands back for one activity's time series.

Backends that have them set `has_streams` and implement
`fetch_streams(http, credentials, activity) -> StreamData | None` (None: the
provider holds no time series for that activity). `activity` is a
providers.streams.StreamRequest: the provider's activity id and its raw summary
payload (Activity.activity_data), which carries file URLs where providers give them.

Every channel is a list as long as `time_s` (seconds from the start), None where a
sample lacks the value; a channel the activity never recorded is None as a whole.
Units are ours: metres, m/s, bpm, rpm, watts, degrees.
"""

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class StreamRequest:
    provider_activity_id: str
    activity_data: dict = field(default_factory=dict)
    start_time: object = None  # aware datetime of the activity's start


@dataclass
class StreamData:
    time_s: list
    distance_m: list | None = None
    latitude: list | None = None
    longitude: list | None = None
    altitude_m: list | None = None
    heartrate_bpm: list | None = None
    speed_m_s: list | None = None
    cadence_rpm: list | None = None
    power_w: list | None = None
    # The FIT file's own bytes when the series was read from one (parse_fit), so the
    # athlete's export can give the original back. Not annotated: not a channel.
    original_fit = None

    def channels(self):
        """{name: values} of the channels that were recorded, time_s first."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None
        }

    def __post_init__(self):
        size = len(self.time_s)
        for name, values in self.channels().items():
            if len(values) != size:
                raise ValueError(f"stream {name} has {len(values)} samples, not {size}")


CHANNELS = tuple(f.name for f in fields(StreamData))
