from django.contrib import admin

from providers.admin import pretty_json

from .models import Activity, SyncHistory, Workout


@admin.register(SyncHistory)
class SyncHistoryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "connection",
        "sync_type",
        "status",
        "started_at",
        "duration_s",
        "activities_created",
        "activities_updated",
        "activities_skipped",
    ]
    list_filter = ["status", "sync_type", "connection__provider"]
    list_select_related = ["connection"]
    search_fields = ["connection__user__email", "error_message"]
    date_hierarchy = "started_at"
    exclude = ["error_details"]
    readonly_fields = ["details"]

    @admin.display(description="error details")
    def details(self, obj):
        return pretty_json(obj.error_details)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "start_time",
        "user",
        "provider",
        "sport_type",
        "name",
        "distance_m",
    ]
    list_filter = ["provider", "sport_type"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "provider_activity_id"]
    date_hierarchy = "start_time"
    raw_id_fields = ["user", "connection"]
    exclude = ["activity_data"]
    readonly_fields = ["raw_payload"]

    @admin.display(description="provider payload")
    def raw_payload(self, obj):
        return pretty_json(obj.activity_data)


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ["scheduled_for", "user", "title", "sport_type", "status"]
    list_filter = ["status", "sport_type"]
    list_select_related = ["user"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user", "completed_activity"]
