import json

from django.contrib import admin
from django.utils.html import format_html

from .models import ProviderConnection


def pretty_json(value):
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


def masked(value):
    """'…' and the last four characters: enough to tell tokens apart, not to use one."""
    return f"…{value[-4:]}" if value else "—"


@admin.register(ProviderConnection)
class ProviderConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "provider",
        "status",
        "is_active",
        "token_expires_at",
        "last_sync_at",
    ]
    list_filter = ["provider", "status", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__email", "provider_user_id"]
    raw_id_fields = ["user"]
    # Tokens are not form fields at all: staff see them masked, never editable.
    exclude = ["access_token", "refresh_token", "provider_profile"]
    readonly_fields = [
        "masked_access_token",
        "masked_refresh_token",
        "profile",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="access token")
    def masked_access_token(self, obj):
        return masked(obj.access_token)

    @admin.display(description="refresh token")
    def masked_refresh_token(self, obj):
        return masked(obj.refresh_token)

    @admin.display(description="provider profile")
    def profile(self, obj):
        return pretty_json(obj.provider_profile)
