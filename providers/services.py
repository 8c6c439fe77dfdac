"""Plain functions over ProviderConnection: the only code that writes connections."""

from django.db import IntegrityError, transaction

from .models import ConnectionStatus, ProviderConnection
from .signals import connection_established, connection_removed


class ProviderAccountInUseError(Exception):
    """The provider account is already linked to another Trainlytics user."""

    def __init__(self, provider, provider_user_id):
        self.provider = provider
        self.provider_user_id = provider_user_id
        super().__init__(
            f"This {provider} account is already linked to another Trainlytics user."
        )


# What update_connection may change; identity fields (user, provider, provider account)
# only change through upsert_connection, which checks ownership.
UPDATABLE_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "token_expires_at",
        "scopes",
        "provider_profile",
        "status",
        "status_detail",
        "is_active",
        "last_sync_at",
    }
)


def get_user_connections(user):
    return ProviderConnection.objects.filter(user=user).order_by("provider")


def get_connection_by_provider(user, provider):
    return ProviderConnection.objects.filter(user=user, provider=provider).first()


def get_user_connection(user, connection_id):
    """The user's connection with that id; DoesNotExist for anyone else's."""
    return ProviderConnection.objects.get(user=user, pk=connection_id)


def upsert_connection(
    user,
    provider,
    provider_user_id,
    access_token,
    refresh_token,
    token_expires_at,
    scopes,
    provider_profile,
):
    """Create or update the user's connection to `provider`.

    Reconnecting updates the same row and makes it active again. Raises
    ProviderAccountInUseError, changing nothing, when the provider account belongs to
    another user. Announces the connection once the transaction commits.
    """
    provider_user_id = str(provider_user_id)
    fields = {
        "provider_user_id": provider_user_id,
        "access_token": access_token,
        "refresh_token": refresh_token,
        "token_expires_at": token_expires_at,
        "scopes": list(scopes or []),
        "provider_profile": provider_profile if provider_profile is not None else {},
        "status": ConnectionStatus.ACTIVE,
        "status_detail": "",
    }
    with transaction.atomic():
        taken = (
            ProviderConnection.objects.filter(
                provider=provider, provider_user_id=provider_user_id
            )
            .exclude(user=user)
            .exists()
        )
        if taken:
            raise ProviderAccountInUseError(provider, provider_user_id)
        try:
            with transaction.atomic():
                connection, created = ProviderConnection.objects.update_or_create(
                    user=user, provider=provider, defaults=fields
                )
        except IntegrityError:
            # Lost a race with another user linking the same account.
            raise ProviderAccountInUseError(provider, provider_user_id) from None
        transaction.on_commit(
            lambda: connection_established.send(
                sender=ProviderConnection, connection=connection, created=created
            )
        )
    return connection


def update_connection(connection, **fields):
    """Change whitelisted fields of a connection and save only those."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(
            f"Cannot update connection fields: {', '.join(sorted(unknown))}"
        )
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.save(update_fields=[*fields, "updated_at"])
    return connection


def delete_connection(connection, keep_activities=True):
    """Delete the connection; subscribers decide what happens to its activities."""
    with transaction.atomic():
        connection_removed.send(
            sender=ProviderConnection,
            connection=connection,
            keep_activities=keep_activities,
        )
        connection.delete()


def update_last_sync(connection, when):
    return update_connection(connection, last_sync_at=when)


def mark_reauth_required(connection, detail):
    return update_connection(
        connection, status=ConnectionStatus.REAUTH_REQUIRED, status_detail=detail
    )
