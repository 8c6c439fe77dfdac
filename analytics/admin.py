"""Staff views of what analytics keeps: activity streams (with "fetch again"),
athlete settings and training loads. Read-only: the numbers are derived or the
athlete's own; the one action goes through analytics.streams.queue and is logged.
The streams' data is never loaded here, let alone shown: only its size."""

from django.contrib import admin
from django.db.models.functions import Length

from providers.admin import ReadOnlyDetailMixin, ViewOnlyAdmin, plural

from .models import ActivityStreams, AthleteSettings, TrainingLoad
from .streams import queue

# What the list and change pages never read: the streams themselves and the
# provider's raw payload of the activity they belong to.
HEAVY = ["data", "low", "activity__activity_data"]


@admin.register(ActivityStreams)
class ActivityStreamsAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "activity",
        "user_email",
        "status",
        "source",
        "samples",
        "size_kb",
        "attempts",
        "fetched_at",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["activity__user"]
    search_fields = ["activity__user__email"]
    fields = [
        "activity",
        "user_email",
        "status",
        "priority",
        "source",
        "samples",
        "size_kb",
        "channels",
        "efforts",
        "error_message",
        "attempts",
        "next_attempt_at",
        "requested_at",
        "fetched_at",
    ]
    readonly_fields = fields
    actions = ["fetch_again"]

    def get_queryset(self, request):
        # select_related for the change page too (list_select_related is the list's).
        rows = super().get_queryset(request).select_related("activity__user")
        return rows.defer(*HEAVY).annotate(data_bytes=Length("data"))

    @admin.display(description="athlete", ordering="activity__user__email")
    def user_email(self, obj):
        return obj.activity.user.email

    @admin.display(description="data (kB)", ordering="data_bytes")
    def size_kb(self, obj):
        size = getattr(obj, "data_bytes", None)
        return "—" if size is None else f"{size / 1000:.1f}"

    @admin.action(
        description="Fetch the selected streams again", permissions=["change"]
    )
    def fetch_again(self, request, queryset):
        queued, skipped = 0, 0
        chosen = ActivityStreams.objects.filter(pk__in=queryset.values("pk"))
        for row in chosen.defer("data", "low"):
            if queue.fetch_again(row):
                queued += 1
                self.log_change(request, row, "Queued to be fetched again.")
            else:
                skipped += 1
        parts = [f"{plural(queued, 'row')} queued to be fetched again"]
        if skipped:
            parts.append(f"{skipped} skipped: already queued at high priority")
        self.message_user(request, "; ".join(parts) + ".")


@admin.register(AthleteSettings)
class AthleteSettingsAdmin(ViewOnlyAdmin):
    list_display = [
        "user",
        "resting_hr_bpm",
        "max_hr_bpm",
        "observed_max_hr_bpm",
        "ftp_w",
        "units",
        "updated_at",
    ]
    list_filter = ["units"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(TrainingLoad)
class TrainingLoadAdmin(ViewOnlyAdmin):
    list_display = ["day", "user", "activity", "load", "method", "computed_at"]
    list_filter = ["method"]
    list_select_related = ["user", "activity"]
    search_fields = ["user__email"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("activity__activity_data")
