"""One structured planned workout, as planning hands it to the backends, for the
workout tests of every provider (and the sandbox's)."""

from datetime import UTC, date, datetime, time

from providers.sports import SportType
from providers.workouts import PlannedWorkout

STRUCTURE = {
    "steps": [
        {"kind": "warmup", "duration_s": 600, "target": {"type": "hr_zone", "zone": 1}},
        {
            "kind": "repeat",
            "count": 5,
            "steps": [
                {
                    "kind": "interval",
                    "duration_s": 180,
                    "target": {"type": "power", "min_w": 200, "max_w": 250},
                },
                {"kind": "recovery", "duration_s": 120},
            ],
        },
        {
            "kind": "cooldown",
            "distance_m": 2000.0,
            "target": {"type": "pace", "min_s_per_km": 330, "max_s_per_km": 360},
        },
    ]
}

WORKOUT = PlannedWorkout(
    title="Threshold intervals",
    sport_type=SportType.RUN,
    scheduled_for=date(2026, 5, 3),
    scheduled_time=time(7, 30),
    planned_duration_s=3000,
    description="Hills if dry",
    structure=STRUCTURE,
    time_zone="Europe/Paris",
    reference="trainlytics-42",
    updated_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
)


class Connection:
    """Just what workout_permission reads."""

    def __init__(self, *scopes):
        self.scopes = list(scopes)
