"""API schemas for runs, activities and the summary.

Fields are listed one by one (never `fields="__all__"`) so nothing secret can slip into
a response when a model gains a column.
"""

from datetime import date, datetime

from ninja import Field, Schema

from providers.models import Provider
from providers.sports import SportType

from .messages import failure_message


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class RunOut(Schema):
    id: int
    connection_id: int
    sync_type: str
    status: str
    started_at: datetime
    completed_at: datetime | None
    duration_s: float | None
    activities_fetched: int
    activities_created: int
    activities_updated: int
    activities_skipped: int
    api_calls: int
    next_attempt_at: datetime | None
    error_kind: str = ""
    message: str = Field("", description="What went wrong and what to do, if anything")

    @staticmethod
    def resolve_error_kind(run):
        return run.error_details.get("kind", "")

    @staticmethod
    def resolve_message(run):
        # The caller sets run.connection (or select_related) so this costs no query.
        return failure_message(run, Provider(run.connection.provider).label)


class SyncConflictOut(ErrorOut):
    sync: RunOut


class SyncStatusOut(Schema):
    connection_id: int
    connection_status: str
    is_active: bool
    syncing: bool
    run: RunOut | None


class CopyOut(Schema):
    """One provider's copy of an activity, in our units."""

    id: int
    provider: str
    provider_activity_id: str
    is_canonical: bool = Field(
        description="The copy the session is shown and counted by"
    )
    sport_type: str
    name: str | None
    start_time: datetime
    utc_offset_s: int | None
    elapsed_time_s: int | None
    moving_time_s: int | None
    distance_m: float | None
    elevation_gain_m: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    calories_kcal: float | None
    device_name: str | None


class ActivityOut(CopyOut):
    connection_id: int | None
    providers: list[str] = Field(
        description="Every provider that recorded this session, this copy's first"
    )


class ActivityDetailOut(ActivityOut):
    activity_data: dict
    copies: list[CopyOut] = Field(
        description="Every provider's copy of the session, the canonical one first"
    )


class ActivityPageOut(Schema):
    items: list[ActivityOut]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page"
    )


class ActivityFilters(Schema):
    provider: Provider | None = None
    sport: SportType | None = None
    date_from: date | None = None
    date_to: date | None = None
    cursor: str = ""
    limit: int = Field(25, ge=1, le=100)


class PeriodTotals(Schema):
    activities: int
    distance_m: float
    moving_time_s: int


class Totals(Schema):
    week: PeriodTotals
    month: PeriodTotals


class ConnectionSummary(Schema):
    id: int
    provider: str
    status: str
    is_active: bool
    last_sync_at: datetime | None
    activity_count: int
    latest_run: RunOut | None


class SummaryOut(Schema):
    total_activities: int
    last_activity_at: datetime | None
    totals: Totals
    connections: list[ConnectionSummary]
