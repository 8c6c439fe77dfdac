"""The Redis tasks backend: django-tasks-rq, with the one fix Trainlytics needs.

Chosen with TASKS_BACKEND=trainlytics.tasks_rq.RQBackend and REDIS_URL (settings.py);
imported only then, so the default install needs neither Redis nor RQ.

RQ's scheduler keeps a deferred job's time in whole seconds (rounded down) and moves
it to the queue once that second has begun, so a task deferred to 12:00:05.7 may run
at 12:00:05.1. Our tasks check that their row is due (run_sync, the webhook, streams
and delivery claims): one that came early would do nothing and leave its row waiting
for sync_due's requeue, SYNC_PENDING_GRACE later. Rounding run_after up to the next
whole second means a task never arrives before its row is due.

Tasks stay Django's own (django.tasks.Task, enqueued through django.tasks'
backends), not the django-tasks backport's class django-tasks-rq would make them:
the same objects whichever backend was set when their module was imported.
"""

from datetime import timedelta

from django.tasks import Task
from django_tasks_rq import RQBackend as BaseRQBackend


def round_up_to_second(when):
    if when.microsecond == 0:
        return when
    return when.replace(microsecond=0) + timedelta(seconds=1)


class RQBackend(BaseRQBackend):
    task_class = Task

    def enqueue(self, task, args, kwargs):
        if task.run_after is not None:
            task = task.using(run_after=round_up_to_second(task.run_after))
        return super().enqueue(task, args, kwargs)
