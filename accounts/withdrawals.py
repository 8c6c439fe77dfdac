"""What the athlete is told when a provider withdrew our access (the dashboard)."""

from providers.models import ConnectionStatus

from .models import AccessWithdrawal


def note(connection, activities_deleted, when):
    """Remember the latest withdrawal of `connection`'s provider for its athlete."""
    AccessWithdrawal.objects.update_or_create(
        user_id=connection.user_id,
        provider=connection.provider,
        defaults={"withdrawn_at": when, "activities_deleted": activities_deleted},
    )


def shown(user, connections):
    """The withdrawals to show: those of providers whose connection is still
    revoked (a reconnect or a disconnect closes the matter). No query when none is."""
    revoked = [c.provider for c in connections if c.status == ConnectionStatus.REVOKED]
    if not revoked:
        return []
    return list(
        AccessWithdrawal.objects.filter(user=user, provider__in=revoked).order_by(
            "-withdrawn_at"
        )
    )
