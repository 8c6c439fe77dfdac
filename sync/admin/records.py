"""What sync stores: activities, planned workouts, webhook events and subscriptions."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from providers.admin import ReadOnlyDetailMixin, masked, plural, pretty_json

from .. import conf
from ..models import (
    Activity,
    WebhookEvent,
    WebhookStatus,
    WebhookSubscription,
    Workout,
)
from ..webhooks import retries


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
    list_display = [
        "scheduled_for",
        "scheduled_time",
        "user_email",
        "title",
        "sport_type",
        "status",
        "match_manual",
    ]
    list_filter = ["status", "sport_type", "match_manual"]
    list_select_related = ["user"]
    search_fields = ["user__email", "title"]
    date_hierarchy = "scheduled_for"
    raw_id_fields = ["user", "completed_activity"]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email


class RetryStateFilter(admin.SimpleListFilter):
    """Where an event stands in its retries (sync.webhooks.retries)."""

    title = "retries"
    parameter_name = "retry"

    def lookups(self, request, model_admin):
        return [
            ("due", "retry due now"),
            ("waiting", "retry scheduled later"),
            ("retried", "tried more than once"),
            ("gave_up", "failed after every attempt"),
        ]

    def queryset(self, request, queryset):
        now, retry = timezone.now(), WebhookStatus.RETRY
        choices = {
            "due": Q(status=retry, next_attempt_at__lte=now),
            "waiting": Q(status=retry, next_attempt_at__gt=now),
            "retried": Q(attempts__gt=1),
            "gave_up": Q(
                status=WebhookStatus.FAILED, attempts__gte=conf.max_attempts()
            ),
        }
        if self.value() in choices:
            return queryset.filter(choices[self.value()])
        return queryset


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "received_at",
        "provider",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "user_email",
        "provider_user_id",
        "processed_at",
    ]
    list_filter = ["provider", "status", RetryStateFilter, "event_type"]
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
    actions = ["retry_now"]

    @admin.display(description="user", ordering="connection__user__email")
    def user_email(self, obj):
        return obj.connection.user.email if obj.connection else "—"

    @admin.display(description="last error")
    def short_error(self, obj):
        return Truncator(obj.error).chars(80)

    @admin.display(description="payload")
    def raw_payload(self, obj):
        return pretty_json(obj.payload)

    @admin.action(description="Retry the selected events now", permissions=["change"])
    def retry_now(self, request, queryset):
        outcome = retries.retry_now(queryset)
        for event in outcome.retried:
            self.log_change(request, event, "Queued for retry.")
        parts = [f"{plural(len(outcome.retried), 'event')} queued for retry"]
        if outcome.skipped:
            parts.append(f"{len(outcome.skipped)} skipped: not failed or waiting")
        self.message_user(request, "; ".join(parts) + ".")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    """Made by `manage.py strava_webhook` / `polar_webhook`; the secret stays masked."""

    list_display = ["provider", "external_id", "callback_url", "created_at"]
    exclude = ["signing_secret"]
    readonly_fields = ["masked_secret"]

    @admin.display(description="signing secret")
    def masked_secret(self, obj):
        return masked(obj.signing_secret)
