"""Staff views of planning: workout deliveries (with "retry now") and calendar feeds.

Both are read-only: deliveries change through planning/sending.py and the athlete's
pages, feeds only by the athlete replacing their address. A feed's token digest is
never shown; it would only help someone guess at the address.
"""

from django.contrib import admin
from django.utils.text import Truncator

from providers.admin import ReadOnlyDetailMixin

from . import retries
from .models import CalendarFeed, WorkoutDelivery


@admin.register(WorkoutDelivery)
class WorkoutDeliveryAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "updated_at",
        "user_email",
        "provider",
        "workout",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "provider"]
    list_select_related = ["user", "workout"]
    search_fields = ["user__email", "workout__title", "error_message"]
    date_hierarchy = "updated_at"
    fields = [
        "user",
        "provider",
        "connection",
        "workout",
        "status",
        "external",
        "attempts",
        "next_attempt_at",
        "error_message",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    actions = ["retry_now"]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="error")
    def short_error(self, obj):
        return Truncator(obj.error_message).chars(80)

    @admin.action(
        description="Retry the selected failed deliveries now", permissions=["change"]
    )
    def retry_now(self, request, queryset):
        retried, skipped = retries.retry_now(queryset)
        for delivery in retried:
            self.log_change(request, delivery, "Queued for another attempt.")
        noun = "delivery" if len(retried) == 1 else "deliveries"
        parts = [f"{len(retried)} {noun} queued"]
        if skipped:
            parts.append(f"{len(skipped)} skipped: not failed")
        self.message_user(request, "; ".join(parts) + ".")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = ["user_email", "created_at", "last_fetched_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "created_at", "last_fetched_at"]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email
