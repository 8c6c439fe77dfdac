"""What a backend is given to put a planned workout on the athlete's device.

planning builds a PlannedWorkout from its Workout (providers never import planning or
sync); a backend that `accepts_workouts` turns it into its provider's payload. The
structure is planning's validated form, {"steps": [...]} (planning/structure.py):
steps of kind warmup/interval/recovery/rest/cooldown lasting `duration_s` or
`distance_m`, with an optional target ({"type": "hr_zone", "zone": 1..5},
{"type": "pace", "min_s_per_km", "max_s_per_km"}, {"type": "power", "min_w",
"max_w"}), and repeats ({"kind": "repeat", "count": n, "steps": [...]}) that do not
nest.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ProviderError


@dataclass(frozen=True)
class PlannedWorkout:
    title: str
    sport_type: str
    scheduled_for: date
    scheduled_time: time | None = None
    planned_duration_s: int | None = None
    planned_distance_m: float | None = None
    description: str = ""
    target: dict = field(default_factory=dict)
    structure: dict = field(default_factory=dict)
    # The athlete's IANA zone: scheduled_for/scheduled_time are local to it.
    time_zone: str = "UTC"
    # Our stable name for it at the provider (Wahoo's external_id, workout_token).
    reference: str = ""
    # When the athlete last changed it (Wahoo's plan[provider_updated_at]).
    updated_at: datetime | None = None

    def starts(self):
        """The planned start as an aware UTC datetime: the planned time, or the
        start of the planned day, in the athlete's zone."""
        try:
            zone = ZoneInfo(self.time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        local = datetime.combine(self.scheduled_for, self.scheduled_time or time())
        return local.replace(tzinfo=zone).astimezone(UTC)

    def total_seconds(self):
        """The planned duration, or what the timed steps add up to (0 if none)."""
        if self.planned_duration_s:
            return self.planned_duration_s
        return sum(step.get("duration_s", 0) for step in flat_steps(self.structure))


def flat_steps(structure):
    """Every step in the order it is done, repeats unrolled."""
    for step in (structure or {}).get("steps", ()):
        if step.get("kind") == "repeat":
            for _ in range(step.get("count", 1)):
                yield from step.get("steps", ())
        else:
            yield step


REFERENCE_PREFIX = "trainlytics-"


def reference_for(workout_id):
    """Our name for a workout at the provider; a listing tells our copies by it."""
    return f"{REFERENCE_PREFIX}{workout_id}"


class WorkoutRefused(ProviderError):
    """The provider cannot take this workout as planned (a sport it has no workouts
    for, a permission the athlete has not given, a payload it rejected). Retrying
    the same workout will not help; `user_message` says what would."""

    kind = "workout_refused"
