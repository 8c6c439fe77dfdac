"""API schemas for planned workouts.

Pydantic checks the types (dates, numbers, the HH:MM time); the rules of a plan
(a title, positive durations, the structure's steps) are planning.services', so the
API and the pages refuse the same things with the same messages. Output fields are
listed one by one, never `fields="__all__"`.
"""

from datetime import date, datetime, time

from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import model_validator

from providers.models import Provider
from providers.sports import SportType
from trainlytics.stored_text import shown

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
STRUCTURE_DOC = (
    'The steps, as planning/structure.py stores them: {"steps": [step, ...]}, or {} '
    "for none. A step is {kind: warmup|interval|recovery|rest|cooldown, duration_s or "
    "distance_m, target?}; a repeat is {kind: repeat, count: 1..50, steps: [...]} and "
    "does not nest."
)
STRUCTURE_EXAMPLE = {
    "steps": [
        {"kind": "warmup", "duration_s": 600, "target": {"type": "hr_zone", "zone": 1}},
        {
            "kind": "repeat",
            "count": 5,
            "steps": [
                {"kind": "interval", "duration_s": 180},
                {"kind": "recovery", "duration_s": 120},
            ],
        },
        {"kind": "cooldown", "distance_m": 1000},
    ]
}
TARGET_DOC = (
    "One intensity target for the whole session, or {}: "
    '{"type": "hr_zone", "zone": 1..5}, '
    '{"type": "pace", "min_s_per_km": 270, "max_s_per_km": 285} or '
    '{"type": "power", "min_w": 200, "max_w": 250}.'
)


class DeliveryOut(Schema):
    """The workout as sent to one provider's devices."""

    id: int
    provider: str
    status: str = Field(description="pending, sent, failed or deleting")
    error_message: str = Field(description="Why the last attempt failed, if it did")
    sent_at: datetime | None

    @staticmethod
    def resolve_error_message(delivery):
        # Stored in English; the API answers in the request's language.
        return shown(delivery.error_message)


class WorkoutOut(Schema):
    id: int
    title: str
    sport_type: str
    scheduled_for: date = Field(description="The day, in the athlete's time zone")
    scheduled_time: str | None = Field(description="HH:MM, or null for any time")
    planned_duration_s: int | None
    planned_distance_m: float | None
    description: str
    target: dict = Field(description=TARGET_DOC)
    structure: dict = Field(description=STRUCTURE_DOC)
    status: str = Field(description="planned, completed or skipped")
    completed_activity_id: int | None = Field(
        description="The session that did it (its canonical copy)"
    )
    match_manual: bool = Field(
        description="Linked or unlinked by hand: automatic matching leaves it alone"
    )
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_scheduled_time(workout):
        return workout.scheduled_time and workout.scheduled_time.strftime("%H:%M")

    @staticmethod
    def resolve_deliveries(workout):
        # Sorted here, not in SQL, so a prefetched list is used as it is.
        return sorted(workout.deliveries.all(), key=lambda d: d.provider)


class WorkoutValues(Schema):
    """What both create and update turn into planning.services' keyword values."""

    def values(self):
        values = self.model_dump(exclude_unset=True)
        if values.get("scheduled_time") is not None:
            values["scheduled_time"] = time.fromisoformat(values["scheduled_time"])
        return values


class WorkoutIn(WorkoutValues):
    title: str
    sport_type: SportType = SportType.RUN
    scheduled_for: date
    scheduled_time: str | None = Field(None, pattern=TIME_PATTERN, examples=["07:30"])
    planned_duration_s: int | None = None
    planned_distance_m: float | None = None
    description: str = ""
    target: dict = Field(default_factory=dict, description=TARGET_DOC)
    structure: dict = Field(
        default_factory=dict, description=STRUCTURE_DOC, examples=[STRUCTURE_EXAMPLE]
    )


class WorkoutPatch(WorkoutValues):
    """Only the fields given change; null clears an optional one."""

    # Defaults are not validated, so an absent field is None and left out of
    # values(), while an explicit null for these three is a type error.
    title: str = Field(None)
    sport_type: SportType = Field(None)
    scheduled_for: date = Field(None)
    scheduled_time: str | None = Field(None, pattern=TIME_PATTERN, examples=["07:30"])
    planned_duration_s: int | None = None
    planned_distance_m: float | None = None
    description: str | None = None
    target: dict | None = Field(None, description=TARGET_DOC)
    structure: dict | None = Field(None, description=STRUCTURE_DOC)


class RangeFilters(Schema):
    """Both ends are days in the athlete's time zone, included."""

    first: date | None = Field(None, alias="from", description="Default: this Monday")
    last: date | None = Field(None, alias="to", description="Default: `from` + 6 days")


class SendIn(Schema):
    provider: Provider


class MatchIn(Schema):
    """Exactly one of: `activity_id` (an id links, null unlinks) or `auto: true`."""

    activity_id: int | None = Field(
        None, description="Link this session; null: not done by any session"
    )
    auto: bool = Field(False, description="Give the workout back to automatic matching")

    @model_validator(mode="after")
    def one_decision(self):
        given = "activity_id" in self.model_fields_set
        if self.auto == given:
            raise ValueError(
                gettext('Give either "activity_id" (null to unlink) or "auto".')
            )
        return self
