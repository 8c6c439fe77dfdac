"""The athlete's private calendar address: made, replaced, removed and looked up."""

from django.utils import timezone

from . import services
from .ics import window
from .models import CalendarFeed, feed_digest


def replace_feed(user):
    """A new feed token for `user`, revoking any earlier one; shown once, never kept."""
    token = CalendarFeed.new_token()
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_digest": feed_digest(token),
            "created_at": timezone.now(),
            "last_fetched_at": None,
        },
    )
    return token


def remove_feed(user):
    CalendarFeed.objects.filter(user=user).delete()


def feed_of(user):
    return CalendarFeed.objects.filter(user=user).first()


def owner_of(token):
    """The active athlete whose feed `token` opens, or None; notes the fetch."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_digest=feed_digest(token), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed.user


def feed_workouts(user, today):
    first, last = window(today)
    # The feed shows the plan, not the sessions: no need to read them.
    return (
        services.workouts_between(user, first, last)
        .select_related(None)
        .order_by("scheduled_for", "scheduled_time", "id")
    )
