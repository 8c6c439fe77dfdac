"""A Workout as the provider backends take it (providers.workouts.PlannedWorkout).

Providers never import planning or sync, so planning hands them plain values: the
workout's fields, the athlete's time zone and our stable reference for it.
"""

import hashlib
import json
from dataclasses import asdict, replace

from providers.workouts import PlannedWorkout, reference_for


def planned_workout(workout):
    return PlannedWorkout(
        title=workout.title,
        sport_type=workout.sport_type,
        scheduled_for=workout.scheduled_for,
        scheduled_time=workout.scheduled_time,
        planned_duration_s=workout.planned_duration_s,
        planned_distance_m=workout.planned_distance_m,
        description=workout.description,
        target=workout.target or {},
        structure=workout.structure or {},
        time_zone=workout.user.time_zone or "UTC",
        reference=reference_for(workout.pk),
        updated_at=workout.updated_at,
    )


def digest(planned):
    """What a provider copy is made from; equal digests need no new send. The edit
    time is left out: saving without a change sends nothing."""
    values = asdict(replace(planned, updated_at=None))
    encoded = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
