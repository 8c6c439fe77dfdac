"""What sync stores: activities, planned workouts, webhook events and subscriptions."""

from django.contrib import admin

from providers.admin import ReadOnlyDetailMixin, masked, pretty_json

from ..models import Activity, WebhookEvent, WebhookSubscription, Workout


@admin.register(Activity)
class ActivityAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "start_time",
        "user_email",
        "provider",
        "sport_type",
        "name",
        "distance_m",
        "device_name",
    ]
    list_filter = ["provider", "sport_type"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "provider_activity_id"]
    date_hierarchy = "start_time"
    exclude = ["activity_data"]
    readonly_fields = ["raw_payload"]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="provider payload")
    def raw_payload(self, obj):
        return pretty_json(obj.activity_data)


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ["scheduled_for", "user_email", "title", "sport_type", "status"]
    list_filter = ["status", "sport_type"]
    list_select_related = ["user"]
    search_fields = ["user__email", "title"]
    date_hierarchy = "scheduled_for"
    raw_id_fields = ["user", "completed_activity"]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "received_at",
        "provider",
        "event_type",
        "status",
        "user_email",
        "provider_user_id",
        "processed_at",
    ]
    list_filter = ["provider", "status", "event_type"]
    list_select_related = ["connection__user"]
    search_fields = [
        "provider_user_id",
        "dedupe_key",
        "connection__user__email",
        "error",
    ]
    date_hierarchy = "received_at"
    exclude = ["payload"]
    readonly_fields = ["raw_payload"]

    @admin.display(description="user", ordering="connection__user__email")
    def user_email(self, obj):
        return obj.connection.user.email if obj.connection else "—"

    @admin.display(description="payload")
    def raw_payload(self, obj):
        return pretty_json(obj.payload)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    """Made by `manage.py strava_webhook` / `polar_webhook`; the secret stays masked."""

    list_display = ["provider", "external_id", "callback_url", "created_at"]
    exclude = ["signing_secret"]
    readonly_fields = ["masked_secret"]

    @admin.display(description="signing secret")
    def masked_secret(self, obj):
        return masked(obj.signing_secret)
