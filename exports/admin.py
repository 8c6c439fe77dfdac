"""Staff views of athletes' exports and kept original files: read-only, and never
the files themselves (nothing here opens or links to them, only their size)."""

from django.contrib import admin

from providers.admin import ViewOnlyAdmin

from .models import AccountExport, OriginalActivityFile


@admin.register(AccountExport)
class AccountExportAdmin(ViewOnlyAdmin):
    list_display = [
        "id",
        "user",
        "status",
        "progress",
        "size_bytes",
        "created_at",
        "finished_at",
        "expires_at",
    ]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["user__email", "=id"]
    date_hierarchy = "created_at"
    fields = [
        "id",
        "user",
        "status",
        "progress",
        "step",
        "size_bytes",
        "created_at",
        "started_at",
        "updated_at",
        "finished_at",
        "expires_at",
        "error",
    ]


@admin.register(OriginalActivityFile)
class OriginalActivityFileAdmin(ViewOnlyAdmin):
    list_display = [
        "activity",
        "user_email",
        "file_format",
        "size_bytes",
        "received_at",
    ]
    list_select_related = ["activity__user"]
    search_fields = ["activity__user__email"]
    fields = ["activity", "user_email", "file_format", "size_bytes", "received_at"]
    raw_id_fields = ["activity"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("activity__activity_data")

    @admin.display(description="athlete", ordering="activity__user__email")
    def user_email(self, obj):
        return obj.activity.user.email
