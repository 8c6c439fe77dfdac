"""planning's answers to what sync announces (sync never imports planning)."""

import threading

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sync.cache import bump_data_version
from sync.models import Activity, Workout, WorkoutStatus
from sync.signals import activities_changed, scheduled_pass
from trainlytics.timezones import zone

from . import matching, retries

_last_delete = threading.local()


@receiver(activities_changed, dispatch_uid="planning.rematch")
def rematch(sender, user_id, starts=(), everything=False, **kwargs):
    if everything:
        return matching.rematch_user(user_id)
    return matching.rematch_starts(user_id, starts)


@receiver(scheduled_pass, dispatch_uid="planning.close_ended_days")
def close_ended_days(sender, now, **kwargs):
    return f"workouts closed as skipped {matching.close_ended_days(now)}"


@receiver(scheduled_pass, dispatch_uid="planning.requeue_deliveries")
def requeue_deliveries(sender, now, **kwargs):
    return f"workout deliveries {retries.requeue_due_deliveries(now)}"


@receiver(post_save, sender=Workout, dispatch_uid="planning.workout_saved")
@receiver(post_delete, sender=Workout, dispatch_uid="planning.workout_deleted")
def workout_changed(sender, instance, **kwargs):
    """The dashboard's cached week line counts workouts (sync.cache)."""
    bump_data_version(instance.user_id)


@receiver(post_delete, sender=Activity, dispatch_uid="planning.rematch_orphans")
def rematch_orphans(sender, instance, origin=None, **kwargs):
    """Workouts whose session was deleted are matched again, once per delete call.

    The deletion collector has set their completed_activity to NULL before the first
    post_delete, so they are found by that; a hand-made link to a deleted session is
    no decision any more and goes back to automatic matching.
    """
    if getattr(_last_delete, "origin", None) is origin and origin is not None:
        return
    _last_delete.origin = origin
    orphans = Workout.objects.filter(
        status=WorkoutStatus.COMPLETED, completed_activity__isnull=True
    )
    days_by_user = {}
    for user_id, day in orphans.values_list("user_id", "scheduled_for"):
        days_by_user.setdefault(user_id, set()).add(day)
    orphans.update(match_manual=False)
    for user_id, days in days_by_user.items():
        tz = zone(matching.time_zone_of(user_id))
        matching.rematch_days(user_id, days, tz)
