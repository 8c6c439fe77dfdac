"""Deleting an athlete's account: everything we hold, in one transaction.

Revoking the grants at the providers must never block or undo the deletion, so the
transaction only copies what each revocation needs into a PendingRevocation (which
does not reference the user); the revocations run once it commits
(accounts.revocations), and are retried until they succeed.

Rows that reference the user are deleted by the cascade from the user row; two kinds
would outlive it and are deleted explicitly: webhook events (their connection is
SET_NULL, and their payload still names the athlete's provider account) and the
admin log's entries about the user (object_id is not a foreign key).
"""

import logging

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from providers.models import ProviderConnection
from sync.grouping.store import lock_users
from sync.models import Activity, WebhookEvent, Workout
from trainlytics.sessions import end_sessions

from . import revocations
from .models import PendingRevocation

logger = logging.getLogger(__name__)


def delete_account(user):
    """Delete `user` and all their rows, end their sessions, and queue the
    revocation of every grant they gave us. Returns the PendingRevocations."""
    with transaction.atomic():
        # The lock every sync page takes on the athlete: no page lands half-way.
        lock_users([user.pk])
        connections = list(ProviderConnection.objects.filter(user=user))
        pending = [_pending_revocation(c) for c in connections]
        pending = [p for p in pending if p is not None]
        for revocation in pending:
            revocation.save()
        _delete_webhook_events(connections)
        _delete_admin_log_entries(user)
        end_sessions(user)
        user_id = user.pk
        user.delete()
        for revocation in pending:
            revocations.enqueue(revocation.pk)
    logger.info(
        "deleted user %s; %s grant(s) queued for revocation", user_id, len(pending)
    )
    return pending


def _pending_revocation(connection):
    """What revoking the connection's grant needs; None when it holds no token
    (already revoked: the provider withdrew it)."""
    if not (connection.access_token or connection.refresh_token):
        return None
    return PendingRevocation(
        provider=connection.provider,
        provider_user_id=connection.provider_user_id,
        access_token=connection.access_token or "",
        refresh_token=connection.refresh_token or None,
        token_expires_at=connection.token_expires_at,
    )


def _delete_webhook_events(connections):
    accounts = Q(pk__in=[])
    for connection in connections:
        accounts |= Q(
            provider=connection.provider,
            provider_user_id=connection.provider_user_id,
        )
    WebhookEvent.objects.filter(
        accounts | Q(connection__in=[c.pk for c in connections])
    ).delete()


def _delete_admin_log_entries(user):
    user_type = ContentType.objects.get_for_model(get_user_model())
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).delete()


def summary(user):
    """What the deletion page lists: the connected providers and the counts."""
    connections = ProviderConnection.objects.filter(user=user).order_by("provider")
    return {
        "providers": [c.get_provider_display() for c in connections],
        "activity_count": Activity.objects.filter(user=user).count(),
        "workout_count": Workout.objects.filter(user=user).count(),
    }


def find_user(email):
    """The account with this email (any case); DoesNotExist otherwise."""
    return get_user_model().objects.get_by_natural_key(email.strip())
