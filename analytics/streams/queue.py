"""When streams are fetched: lazily, and within each provider's request budget.

The rules (Strava allows 100 requests per 15 minutes for the whole app):
- Opening an activity (its page, or the API) whose session has no streams row
  creates one at HIGH priority and enqueues its fetch at once, at a task priority
  above syncs: the athlete is waiting. A LOW row still waiting is raised to HIGH
  and made due at once. An unavailable or failed row is asked for again once it is
  older than STREAMS_RECHECK (the provider may have the data by now).
- Activities sync announces (sync.signals.activities_changed) get a LOW row only
  when they started within STREAMS_RECENT_DAYS: a backfill of years of history
  queues nothing, those streams come when the athlete opens one. LOW fetches run
  at a task priority below syncs and spend a provider's requests only while more
  than STREAMS_LOW_RESERVE of its window is left (analytics/streams/fetching.py).
- sync_due's scheduled pass (sync.signals.scheduled_pass) enqueues again the rows
  whose task was lost, whose wait is over, or whose worker died (its lease ran
  out); a row whose attempts are spent fails.
One row per session: the row is made on the canonical copy, and every copy of the
group finds it (store.streams_for), so grouped duplicates are fetched once.
Tasks carry only the row id; fetching claims a row for one worker.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from sync import conf as sync_conf
from sync.models import Activity
from sync.services.scheduling import enqueue_after_commit

from ..models import ActivityStreams, StreamStatus
from . import conf
from .store import streams_for

# How far ahead of our clock a new activity's start may be and still be recent.
FUTURE_SKEW = timedelta(days=1)
# Both stored in English, translated when shown (trainlytics.stored_text).
WORKER_LOST = gettext_noop(
    "Loading the detailed data did not finish. Open the activity again."
)
# What fetching writes on a LOW row that waits for spare requests; a row with it
# holds no lease, so an athlete opening the activity may make it due at once.
RESERVE_WAIT = gettext_noop("Waiting for spare provider requests: syncs go first.")


def enqueue(row, run_after=None):
    """Enqueue the fetch of `row` after commit, at its priority's task priority
    where the backend has priorities (RQ has none: first come, first served there;
    STREAMS_LOW_RESERVE still keeps LOW fetches off the requests syncs need)."""
    from ..tasks import fetch_activity_streams  # tasks imports fetching

    task = fetch_activity_streams
    if task.get_backend().supports_priority:
        task = task.using(priority=conf.TASK_PRIORITY.get(row.priority, 0))
    enqueue_after_commit(task, row.pk, run_after)


def request_now(activity, row=None):
    """The athlete wants `activity`'s streams: make sure a HIGH fetch is on its
    way. `row` is streams_for(activity) when the caller has it. Returns the row."""
    row = row if row is not None else streams_for(activity)
    if row is None:
        return _create(activity, conf.HIGH)
    if row.status == StreamStatus.PENDING and row.priority < conf.HIGH:
        return _raise(row)
    if row.status in (StreamStatus.UNAVAILABLE, StreamStatus.FAILED):
        return _recheck(row)
    return row


def fetch_again(row):
    """Staff's "fetch again" (analytics admin): a row that is not pending is asked
    for again at HIGH priority, its attempts reset; a LOW pending one is raised as
    an athlete opening it would. True when a fetch was queued; False for a HIGH
    pending row (its fetch is queued or under way) or a row changed meanwhile."""
    if row.status == StreamStatus.PENDING:
        return row.priority < conf.HIGH and _raise(row).priority == conf.HIGH
    again = ActivityStreams.objects.filter(pk=row.pk, status=row.status)
    fields = _pending_fields(conf.HIGH)
    if not again.update(**fields):
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    enqueue(row)
    return True


def _create(activity, priority):
    canonical = _canonical(activity)
    row, created = ActivityStreams.objects.get_or_create(
        activity=canonical, defaults={"priority": priority}
    )
    if created:
        enqueue(row)
    return row


def _canonical(activity):
    if activity.group_id is None or activity.is_canonical:
        return activity
    found = Activity.objects.filter(group_id=activity.group_id, is_canonical=True)
    return found.first() or activity


def _raise(row):
    fields = {"priority": conf.HIGH}
    if row.error_message == RESERVE_WAIT:
        fields.update(next_attempt_at=None, error_message="")
    waiting = ActivityStreams.objects.filter(pk=row.pk, status=StreamStatus.PENDING)
    if waiting.filter(error_message=row.error_message).update(**fields):
        for name, value in fields.items():
            setattr(row, name, value)
        enqueue(row, run_after=row.next_attempt_at)
    return row


def _recheck(row):
    cutoff = timezone.now() - conf.recheck_after()
    stale = ActivityStreams.objects.filter(
        Q(fetched_at__isnull=True) | Q(fetched_at__lte=cutoff),
        pk=row.pk,
        status=row.status,
    )
    if stale.update(**_pending_fields(conf.HIGH)):
        row.refresh_from_db()
        enqueue(row)
    return row


def _pending_fields(priority):
    return {
        "status": StreamStatus.PENDING,
        "priority": priority,
        "attempts": 0,
        "next_attempt_at": None,
        "error_message": "",
        "requested_at": timezone.now(),
    }


def request_recent(user_id, starts=(), everything=False, now=None):
    """LOW rows for the athlete's sessions that started in the last
    STREAMS_RECENT_DAYS among those announced; returns how many were queued.

    No query at all when every start is older (a backfill). A start in the future
    (a device with a wrong clock, test data) is not recent: only a day of clock
    skew is. STREAMS_RECENT_DAYS = 0 turns this off."""
    if conf.recent_days() <= 0:
        return 0
    now = now or timezone.now()
    since = now - timedelta(days=conf.recent_days())
    until = now + FUTURE_SKEW
    activities = Activity.objects.filter(
        user_id=user_id, is_canonical=True, start_time__gte=since, start_time__lte=until
    )
    if not everything:
        recent = sorted({s for s in starts if since <= s <= until})
        if not recent:
            return 0
        activities = activities.filter(start_time__in=recent)
    fresh = _without_streams(list(activities.only("pk", "group_id", "is_canonical")))
    if not fresh:
        return 0
    ActivityStreams.objects.bulk_create(
        [ActivityStreams(activity=a, priority=conf.LOW) for a in fresh],
        ignore_conflicts=True,  # a page open may have made one meanwhile
    )
    for row in ActivityStreams.objects.filter(activity__in=fresh, attempts=0):
        enqueue(row)
    return len(fresh)


def _without_streams(activities):
    """Those of `activities` whose session has no streams row yet. One query."""
    if not activities:
        return []
    groups = {a.group_id for a in activities if a.group_id is not None}
    taken = ActivityStreams.objects.filter(
        Q(activity__in=activities) | Q(activity__group_id__in=groups)
    ).values_list("activity_id", "activity__group_id")
    taken_ids, taken_groups = set(), set()
    for activity_id, group_id in taken:
        taken_ids.add(activity_id)
        taken_groups.add(group_id)
    return [
        a
        for a in activities
        if a.pk not in taken_ids
        and (a.group_id is None or a.group_id not in taken_groups)
    ]


def requeue_due(now=None):
    """Enqueue rows overdue by SYNC_PENDING_GRACE (a lost task, an expired wait or
    lease); fail those whose attempts are spent. Run by sync_due's pass."""
    now = now or timezone.now()
    overdue = now - sync_conf.duration("SYNC_PENDING_GRACE")
    waiting = ActivityStreams.objects.filter(status=StreamStatus.PENDING).filter(
        Q(next_attempt_at__lte=overdue)
        | Q(next_attempt_at__isnull=True, requested_at__lte=overdue)
    )
    lost = waiting.filter(
        attempts__gte=sync_conf.max_attempts(), next_attempt_at__isnull=False
    )
    failed = lost.update(
        status=StreamStatus.FAILED, error_message=WORKER_LOST, next_attempt_at=None
    )
    rows = list(waiting.only("pk", "priority"))
    # Marked due now, so a backlogged worker is not handed a copy every minute.
    ActivityStreams.objects.filter(pk__in=[r.pk for r in rows]).update(
        next_attempt_at=now
    )
    for row in rows:
        enqueue(row)
    return {"requeued": len(rows), "failed": failed}
