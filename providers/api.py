"""JSON routes about connections, mounted at /api/providers/ by trainlytics/api.py.

The sync-related routes under the same prefix (sync, sync-history, sync-status,
summary) live in sync/api.py, because providers never imports sync.
"""

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from trainlytics.stored_text import shown

from . import connect, registry, services
from .models import Provider, ProviderConnection

router = Router(tags=["connections"])


class ConnectionOut(Schema):
    """A connection without its tokens: the fields are listed, never `__all__`."""

    id: int
    provider: str
    provider_name: str
    provider_user_id: str
    status: str
    status_detail: str
    is_active: bool
    scopes: list[str]
    token_expires_at: datetime | None
    last_sync_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_provider_name(connection):
        return connection.get_provider_display()

    @staticmethod
    def resolve_status_detail(connection):
        # Stored in English; the API answers in the request's language.
        return shown(connection.status_detail)


class ToggleIn(Schema):
    """Omit `is_active` to flip the current value."""

    is_active: bool | None = None


class ProviderOut(Schema):
    slug: str
    name: str
    configured: bool
    connected: bool
    connection_id: int | None


def user_connection_or_404(request, connection_id):
    """The requesting user's connection; someone else's id is simply not found."""
    try:
        return services.get_user_connection(request.auth, connection_id)
    except ProviderConnection.DoesNotExist:
        raise Http404(_("No such connection.")) from None


@router.get("/connections", response=list[ConnectionOut])
def list_connections(request):
    return services.get_user_connections(request.auth)


@router.get("/connections/{int:connection_id}", response=ConnectionOut)
def get_connection(request, connection_id: int):
    return user_connection_or_404(request, connection_id)


@router.get("/connections/provider/{provider}", response=ConnectionOut)
def get_connection_by_provider(request, provider: Provider):
    connection = services.get_connection_by_provider(request.auth, provider)
    if connection is None:
        message = _("You are not connected to %(provider)s.")
        raise Http404(message % {"provider": provider.label})
    return connection


@router.delete("/connections/{int:connection_id}", response={204: None})
def delete_connection(request, connection_id: int, keep_activities: bool = True):
    """Revoke our access at the provider (best effort) and delete the connection."""
    connect.disconnect(
        user_connection_or_404(request, connection_id), keep_activities=keep_activities
    )
    return Status(204, None)


@router.patch("/connections/{int:connection_id}/toggle", response=ConnectionOut)
def toggle_connection(request, connection_id: int, payload: ToggleIn | None = None):
    connection = user_connection_or_404(request, connection_id)
    is_active = payload.is_active if payload and payload.is_active is not None else None
    if is_active is None:
        is_active = not connection.is_active
    return services.update_connection(connection, is_active=is_active)


@router.get("/available-providers", response=list[ProviderOut])
def available_providers(request):
    connected = {c.provider: c.pk for c in services.get_user_connections(request.auth)}
    return [
        {
            "slug": backend.slug,
            "name": backend.name,
            "configured": backend.is_configured,
            "connected": backend.slug in connected,
            "connection_id": connected.get(backend.slug),
        }
        for backend in registry.all_backends()
    ]
