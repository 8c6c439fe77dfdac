"""Streams to fetch when sync announces new activities, and the scheduled pass that
picks up lost fetches (the rules: analytics/streams/queue.py)."""

from django.dispatch import receiver

from sync.signals import activities_changed, scheduled_pass

from . import queue


@receiver(activities_changed, dispatch_uid="analytics.streams.queue_recent")
def queue_recent(sender, user_id, starts=(), everything=False, **kwargs):
    return queue.request_recent(user_id, starts, everything)


@receiver(scheduled_pass, dispatch_uid="analytics.streams.requeue_due")
def requeue_due(sender, now, **kwargs):
    return f"activity streams {queue.requeue_due(now)}"
