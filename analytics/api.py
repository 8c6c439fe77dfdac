"""JSON routes for the athlete's analytics, mounted at /api/ by trainlytics/api.py.

Everything is the requesting athlete's own: no route takes another athlete's id.
Settings are checked by analytics.athlete, as on the settings page; its refusals
are 422 `invalid_settings` naming the fields. Bad ranges are 400 `invalid_range`
or `range_too_long`.
"""

import json
from datetime import date, datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from sync.schemas import ErrorOut

from . import athlete, cache, fitness, ranges, records, services

router = Router(tags=["analytics"])


class Refused(HttpError):
    """An HttpError with its own stable code (trainlytics/api.py renders `code`)."""

    def __init__(self, status, code, message):
        super().__init__(status, message)
        self.code = code


class FitnessFilters(Schema):
    """Days in the athlete's time zone, both included."""

    first: date | None = Field(
        None, alias="from", description="Default: `to` - 89 days"
    )
    last: date | None = Field(
        None, alias="to", description="Default: today, or `from` + 89 days"
    )


class FitnessDayOut(Schema):
    date: date
    load: float = Field(description="The day's summed training load (TSS or TRIMP)")
    ctl: float = Field(description="Fitness: 42-day exponentially weighted load")
    atl: float = Field(description="Fatigue: 7-day exponentially weighted load")
    tsb: float = Field(description="Form: yesterday's CTL - yesterday's ATL")


class RecordSessionOut(Schema):
    id: int = Field(description="The activity (canonical copy) that holds it")
    name: str | None
    sport_type: str
    start_time: datetime
    distance_m: float | None
    seconds: int | None = Field(description="Moving time, else elapsed time")


class EffortOut(Schema):
    name: str = Field(description='e.g. "Fastest 5 km", "Best 20 min power"')
    value: float = Field(description="Seconds (unit s) or watts (unit W)")
    unit: str = Field(description="s: lower is better; W: higher is better")
    activity_id: int = Field(description="The activity (canonical copy) that holds it")
    # The session's day where it was done. (A Field() here would clash with the
    # type's name: pydantic's unevaluable-type-annotation.)
    date: date


class RecordsOut(Schema):
    family: str = Field(description="run, ride, swim, walk, row, gym, ski or a sport")
    label: str
    distance: RecordSessionOut | None = Field(description="The longest distance")
    duration: RecordSessionOut | None = Field(description="The longest session")
    efforts: list[EffortOut] = Field(description="Best efforts from streams")


class SettingsOut(Schema):
    resting_hr_bpm: int | None = Field(description="Blank: 60 bpm is used")
    max_hr_bpm: int | None = Field(
        description="Blank: the highest max HR of the athlete's activities, or 190"
    )
    ftp_w: int | None = Field(description="Functional threshold power (watts)")
    threshold_pace_s_per_km: int | None
    hr_zones: list[int] = Field(
        description="Tops of zones 1-4 (bpm); [] for the defaults from max HR"
    )
    units: str = Field(description="metric or imperial")
    zones_in_use: list[int] = Field(description="The zone tops analysis uses")
    max_hr_in_use: int
    resting_hr_in_use: int


class SettingsPatch(Schema):
    """Only the fields given change; null clears one (back to its default)."""

    resting_hr_bpm: int | None = None
    max_hr_bpm: int | None = None
    ftp_w: int | None = None
    threshold_pace_s_per_km: int | None = None
    hr_zones: list[int] | None = None
    units: str | None = Field(None, description="metric or imperial")


def _settings_out(settings):
    physio = services.physiology(settings)
    values = {field: getattr(settings, field) for field in athlete.FIELDS}
    return values | {
        "zones_in_use": athlete.effective_zones(settings),
        "max_hr_in_use": physio.max_hr,
        "resting_hr_in_use": physio.resting_hr,
    }


@router.get(
    "/analytics/fitness",
    response={200: list[FitnessDayOut], 400: ErrorOut},
    summary="Fitness, fatigue and form per day",
)
def get_fitness(request, filters: Query[FitnessFilters]):
    """One row per day from `from` to `to` (at most 731 days; by default the last
    90 days to today in the athlete's time zone)."""
    try:
        first, last = ranges.resolve(
            filters.first, filters.last, ranges.today_of(request.auth)
        )
    except ranges.RangeInvalid as exc:
        raise Refused(400, exc.code, str(exc)) from None
    key = fitness.cache_key("fitness-json", request.auth.pk, first, last)
    body = cache.get_or_compute(
        key, lambda: _fitness_json(fitness.compute(request.auth.pk, first, last))
    )
    return HttpResponse(body, content_type="application/json")


def _fitness_json(rows):
    # Written here rather than validated row by row through FitnessDayOut, which
    # took longer than the rest of the request for two years of days; the shape
    # is FitnessDayOut's (test_api_analytics checks it against the schema). The
    # text is cached under the loads' version: a chart asked again costs one query.
    return json.dumps(
        [
            {
                "date": r.date.isoformat(),
                "load": r.load,
                "ctl": r.ctl,
                "atl": r.atl,
                "tsb": r.tsb,
            }
            for r in rows
        ]
    )


@router.get("/analytics/records", response=list[RecordsOut])
def get_records(request):
    """The athlete's personal records per sport family."""
    return records.personal_records(request.auth.pk)


@router.get("/athlete/settings", response=SettingsOut)
def get_settings(request):
    return _settings_out(services.athlete_settings(request.auth.pk))


@router.patch("/athlete/settings", response={200: SettingsOut, 422: ErrorOut})
def patch_settings(request, payload: SettingsPatch):
    """Change the settings given. New resting HR, max HR or FTP recompute every
    training load; refusals are 422 `invalid_settings`."""
    changes = payload.dict(exclude_unset=True)
    try:
        saved = athlete.update_settings(request.auth.pk, **changes)
    except athlete.SettingsInvalid as exc:
        raise Refused(422, "invalid_settings", str(exc)) from None
    return _settings_out(saved)
