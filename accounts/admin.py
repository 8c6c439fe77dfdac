"""Staff view of the grants of deleted accounts still to revoke, with "retry now".

Read-only: revocations change only through accounts.revocations. Tokens are never
listed or shown, not even masked; the row has no user to show either.
"""

from django.contrib import admin
from django.utils.text import Truncator

from providers.admin import ReadOnlyDetailMixin

from . import revocations
from .models import PendingRevocation


@admin.register(PendingRevocation)
class PendingRevocationAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "provider",
        "provider_user_id",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "finished_at",
    ]
    list_filter = ["status", "provider"]
    search_fields = ["provider_user_id", "last_error"]
    date_hierarchy = "created_at"
    fields = [
        "provider",
        "provider_user_id",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "created_at",
        "finished_at",
    ]
    actions = ["retry_now"]

    @admin.display(description="error")
    def short_error(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.action(
        description="Retry the selected revocations now", permissions=["change"]
    )
    def retry_now(self, request, queryset):
        retried, skipped = revocations.retry_now(queryset)
        for revocation in retried:
            self.log_change(request, revocation, "Queued for another attempt.")
        parts = [f"{len(retried)} queued"]
        if skipped:
            parts.append(f"{len(skipped)} skipped: revoked, gone or in progress")
        self.message_user(request, "; ".join(parts) + ".")
