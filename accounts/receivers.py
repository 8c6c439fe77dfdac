"""accounts' answers to what sync announces (sync never imports accounts)."""

from django.dispatch import receiver

from sync.signals import access_withdrawn, scheduled_pass

from . import revocations, withdrawals


@receiver(scheduled_pass, dispatch_uid="accounts.requeue_revocations")
def requeue_revocations(sender, now, **kwargs):
    return f"revocations {revocations.requeue_due(now)}"


@receiver(access_withdrawn, dispatch_uid="accounts.note_withdrawal")
def note_withdrawal(sender, connection, activities_deleted, when, **kwargs):
    withdrawals.note(connection, activities_deleted, when)
