"""The connection admin with sync added: last result, run filters, recent runs, and
the sync now / full resync actions (providers.admin cannot know about sync)."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from providers.admin import ProviderConnectionAdmin, plural
from providers.models import ProviderConnection

from .. import staff
from ..models import SyncHistory, SyncStatus

LATEST_RUNS = 20


def latest_run(field):
    """The newest run's `field`, per connection, as a correlated subquery."""
    runs = SyncHistory.objects.filter(connection=OuterRef("pk")).order_by(
        "-started_at", "-id"
    )
    return Subquery(runs.values(field)[:1])


class LastResultFilter(admin.SimpleListFilter):
    title = "last result"
    parameter_name = "last_result"

    def lookups(self, request, model_admin):
        return [*SyncStatus.choices, ("none", "Never synced")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(last_result__isnull=True)
        if self.value():
            return queryset.filter(last_result=self.value())
        return queryset


class RecentSuccessFilter(admin.SimpleListFilter):
    title = "successful sync in 24 h"
    parameter_name = "synced_24h"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No successful sync in 24 h")]

    def queryset(self, request, queryset):
        recent = SyncHistory.objects.filter(
            connection=OuterRef("pk"),
            status__in=(SyncStatus.SUCCESS, SyncStatus.PARTIAL),
            completed_at__gte=timezone.now() - timedelta(hours=24),
        )
        if self.value() == "yes":
            return queryset.filter(Exists(recent))
        if self.value() == "no":
            return queryset.exclude(Exists(recent))
        return queryset


class LatestRunsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # Cached: the formset asks again for every form, and a fresh slice re-queries.
        if not hasattr(self, "_latest"):
            self._latest = super().get_queryset()[:LATEST_RUNS]
        return self._latest


class LatestRunsInline(admin.TabularInline):
    model = SyncHistory
    formset = LatestRunsFormSet
    verbose_name_plural = f"latest {LATEST_RUNS} runs"
    fields = [
        "started_at",
        "sync_type",
        "status",
        "duration_s",
        "activities_created",
        "activities_updated",
        "activities_skipped",
        "error_message",
    ]
    readonly_fields = fields
    ordering = ["-started_at", "-id"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(ProviderConnection)


@admin.register(ProviderConnection)
class SyncedConnectionAdmin(ProviderConnectionAdmin):
    list_display = [*ProviderConnectionAdmin.list_display, "last_result", "last_run_at"]
    list_filter = [
        *ProviderConnectionAdmin.list_filter,
        LastResultFilter,
        RecentSuccessFilter,
    ]
    inlines = [LatestRunsInline]
    actions = ["sync_now", "full_resync", *ProviderConnectionAdmin.actions]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_result=latest_run("status"), last_run_at=latest_run("started_at")
            )
        )

    @admin.display(description="last result", ordering="last_result")
    def last_result(self, obj):
        return SyncStatus(obj.last_result).label if obj.last_result else "—"

    @admin.display(description="last run", ordering="last_run_at")
    def last_run_at(self, obj):
        return obj.last_run_at

    @admin.action(description="Sync now", permissions=["change"])
    def sync_now(self, request, queryset):
        outcome = staff.request_syncs(queryset)
        report(self, request, outcome, "Requested a manual sync.", "sync")

    @admin.action(description="Full resync (fetch all history)", permissions=["change"])
    def full_resync(self, request, queryset):
        outcome = staff.request_full_syncs(queryset)
        report(self, request, outcome, "Requested a full resync.", "full resync")


def report(model_admin, request, outcome, log_message, what):
    """Log each queued connection and tell staff what happened to the others."""
    for connection in outcome.queued:
        model_admin.log_change(request, connection, log_message)
    parts = [f"{plural(len(outcome.queued), what)} queued"]
    if outcome.busy:
        parts.append(f"{len(outcome.busy)} skipped: a run is already active")
    if outcome.unavailable:
        parts.append(
            f"{len(outcome.unavailable)} skipped: switched off or needing reconnect"
        )
    if outcome.not_failed:
        parts.append(f"{len(outcome.not_failed)} skipped: the run did not fail")
    model_admin.message_user(request, "; ".join(parts) + ".")
