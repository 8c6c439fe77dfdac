"""Sync runs for staff: filters, the retry action, and the sync health page."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator

from providers.admin import ReadOnlyDetailMixin, pretty_json

from .. import health, staff
from ..models import SyncHistory
from .connections import report


class ErrorGroupFilter(admin.SimpleListFilter):
    """Runs whose error normalises to one message (the health page links here)."""

    title = "error group"
    parameter_name = "error"

    def lookups(self, request, model_admin):
        groups = [(g.message, f"{g.message} ({g.count})") for g in health.top_errors()]
        value = self.value()
        if value and value not in {message for message, _ in groups}:
            groups.append((value, value))
        return groups

    def queryset(self, request, queryset):
        if self.value():
            pattern = health.error_pattern(self.value())
            return queryset.filter(error_message__regex=pattern)
        return queryset


@admin.register(SyncHistory)
class SyncHistoryAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "user_email",
        "provider",
        "sync_type",
        "status",
        "started_at",
        "duration_s",
        "activities_created",
        "activities_updated",
        "activities_skipped",
        "short_error",
    ]
    list_filter = [
        "status",
        ("connection__provider", admin.ChoicesFieldListFilter),
        "sync_type",
        ErrorGroupFilter,
    ]
    list_select_related = ["connection__user"]
    search_fields = ["connection__user__email", "error_message"]
    date_hierarchy = "started_at"
    exclude = ["error_details"]
    readonly_fields = ["details"]
    actions = ["retry_failed_runs"]

    @admin.display(description="user", ordering="connection__user__email")
    def user_email(self, obj):
        return obj.connection.user.email

    @admin.display(description="provider", ordering="connection__provider")
    def provider(self, obj):
        return obj.connection.get_provider_display()

    @admin.display(description="error")
    def short_error(self, obj):
        return Truncator(obj.error_message).chars(80)

    @admin.display(description="error details")
    def details(self, obj):
        return pretty_json(obj.error_details)

    @admin.action(description="Retry the selected failed runs", permissions=["change"])
    def retry_failed_runs(self, request, queryset):
        outcome = staff.retry_runs(queryset.select_related("connection"))
        report(self, request, outcome, "Retried a failed run.", "retry")

    def get_urls(self):
        # A ModelAdmin URL: admin_view gives the staff check and login redirect, with
        # no AdminSite subclass and no shared urls.py change.
        view = self.admin_site.admin_view(self.health_view)
        return [path("health/", view, name="sync_health"), *super().get_urls()]

    def health_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Sync health",
            "opts": self.opts,
            "report": health.health_report(),
            "history_url": reverse("admin:sync_synchistory_changelist"),
            "connections_url": reverse("admin:providers_providerconnection_changelist"),
        }
        return TemplateResponse(request, "admin/sync/health.html", context)
