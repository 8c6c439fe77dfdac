"""Staff view of provider connections: read-only detail, changes only through actions.

Every action calls the same service the app uses and is written to Django's admin log.
The sync app extends this admin with run history and sync actions (sync/admin/), since
providers never imports sync.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.utils.html import format_html
from django.utils.translation import gettext_noop

from . import connect, services
from .models import LegacyImportRecord, ProviderConnection

# The athlete reads it on their card, translated there (trainlytics.stored_text).
STAFF_REAUTH_DETAIL = gettext_noop("Please reconnect this account to resume syncing.")


def pretty_json(value):
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


def masked(value):
    """'…' and the last four characters: enough to tell tokens apart, not to use one."""
    return f"…{value[-4:]}" if value else "—"


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


class ReadOnlyDetailMixin:
    """Change pages are view-only; the changelist keeps its change permission so
    actions (which go through services and are logged) stay available. No delete
    permission also removes the bulk delete action (connections are revoked first)."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)


class ViewOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete, and no actions: for rows staff only look at
    (derived numbers, the athlete's own settings and files)."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProviderConnection)
class ProviderConnectionAdmin(ReadOnlyDetailMixin, admin.ModelAdmin):
    list_display = [
        "user_email",
        "provider",
        "status",
        "is_active",
        "token_expires_at",
        "last_sync_at",
    ]
    list_filter = ["provider", "status", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__email", "provider_user_id"]
    fields = [
        "user",
        "provider",
        "provider_user_id",
        "status",
        "status_detail",
        "is_active",
        "masked_access_token",
        "masked_refresh_token",
        "token_expires_at",
        "scopes",
        "profile",
        "last_sync_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    actions = [
        "mark_reauth_required",
        "deactivate",
        "reactivate",
        "revoke_and_disconnect",
    ]

    @admin.display(description="user", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="access token")
    def masked_access_token(self, obj):
        return masked(obj.access_token)

    @admin.display(description="refresh token")
    def masked_refresh_token(self, obj):
        return masked(obj.refresh_token)

    @admin.display(description="provider profile")
    def profile(self, obj):
        return pretty_json(obj.provider_profile)

    @admin.action(description="Mark reauth required", permissions=["change"])
    def mark_reauth_required(self, request, queryset):
        for connection in queryset:
            services.mark_reauth_required(connection, STAFF_REAUTH_DETAIL)
            self.log_change(request, connection, "Marked reauth required.")
        self.message_user(
            request, f"{plural(len(queryset), 'connection')} marked reauth required."
        )

    @admin.action(description="Deactivate (switch syncing off)", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate (switch syncing on)", permissions=["change"])
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)

    def _set_active(self, request, queryset, on):
        changed = [c for c in queryset if c.is_active != on]
        word = "reactivated" if on else "deactivated"
        for connection in changed:
            services.update_connection(connection, is_active=on)
            self.log_change(request, connection, f"Syncing {word}.")
        self.message_user(request, f"{plural(len(changed), 'connection')} {word}.")

    @admin.action(
        description="Revoke at the provider and disconnect", permissions=["change"]
    )
    def revoke_and_disconnect(self, request, queryset):
        unconfirmed = 0
        connections = list(queryset.select_related("user"))
        for connection in connections:
            # Logged first: the row (and its primary key) is gone afterwards.
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[connection],
                action_flag=DELETION,
                change_message="Revoked at the provider and disconnected.",
                single_object=True,
            )
            # Activities stay, except where the provider's terms forbid it (Strava).
            if not connect.disconnect(connection, keep_activities=True):
                unconfirmed += 1
        self.message_user(
            request, f"{plural(len(connections), 'connection')} disconnected."
        )
        if unconfirmed:
            self.message_user(
                request,
                f"The provider did not confirm the revocation of "
                f"{plural(unconfirmed, 'connection')} (see the logs).",
                messages.WARNING,
            )


@admin.register(LegacyImportRecord)
class LegacyImportRecordAdmin(admin.ModelAdmin):
    """Where imported rows came from: the import's own bookkeeping, read-only."""

    list_display = ["source_table", "legacy_id", "connection", "sync_run_id"]
    list_filter = ["source_table"]
    list_select_related = ["connection"]
    search_fields = ["=legacy_id", "connection__user__email"]
    readonly_fields = ["connection_link"]
    exclude = ["connection"]

    @admin.display(description="connection")
    def connection_link(self, obj):
        return str(obj.connection)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
