"""Figures and PASS/FAIL lines for one round of bench/scale.py."""

from collections import Counter

LIMITED = ("strava", "wahoo")  # the providers whose headers the budget reads


def percentile(values, share):
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * share))]


def verdict(failures, ok, line):
    print(f"  {'PASS' if ok else 'FAIL'}  {line}")
    if not ok:
        failures.append(line)


def athlete_number(connection):
    return int(connection.access_token.rsplit("-", 1)[1])


def timings(runs, began):
    """Per connection: from its round's first enqueue to its successful run's end;
    and the same grouped by provider."""
    from providers.models import ProviderConnection

    provider = dict(ProviderConnection.objects.values_list("pk", "provider"))
    first, done = {}, {}
    for run in runs:
        cid = run.connection_id
        first[cid] = min(first.get(cid, run.created_at), run.created_at)
        if run.status in ("success", "partial"):
            done[cid] = run.completed_at
    latencies = {c: (done[c] - first[c]).total_seconds() for c in done}
    by_provider = {}
    for cid, seconds in latencies.items():
        by_provider.setdefault(provider[cid], []).append(seconds)
    span = (max(done.values()) - began).total_seconds() if done else 0.0
    ends = sorted((when - began).total_seconds() for when in done.values())
    shares = ", ".join(
        f"{int(share * 100)} % by {percentile(ends, share - 1e-9):.0f} s"
        for share in (0.5, 0.9, 0.99, 1.0)
    )
    print(f"  connections synced: {shares} after sync_due began")
    return list(latencies.values()), by_provider, span


def task_figures(began):
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(
        enqueued_at__gte=began, task_path="sync.tasks.sync_connection"
    )
    finished = [
        (t.finished_at - t.enqueued_at).total_seconds()
        for t in tasks.filter(finished_at__isnull=False)
    ]
    deferred = tasks.exclude(run_after__year=9999).count()
    return tasks.count(), finished, deferred


def print_figures(label, runs, began, watch):
    latencies, by_provider, span = timings(runs, began)
    worked = [r.duration_s for r in runs if r.duration_s is not None]
    waited = [
        (r.started_at - r.created_at).total_seconds() for r in runs if r.started_at
    ]
    successes = len(latencies)
    print(
        f"{label}: {successes} successful runs in {span:.1f} s: "
        f"{successes / max(span, 1e-9):.1f} runs/s"
    )
    print(
        f"  enqueue -> done   p50 {percentile(latencies, 0.5):6.2f} s   "
        f"p99 {percentile(latencies, 0.99):6.2f} s"
    )
    print(
        "  by provider (p50/p99 s): "
        + ", ".join(
            f"{slug} {percentile(v, 0.5):.1f}/{percentile(v, 0.99):.1f}"
            for slug, v in sorted(by_provider.items())
        )
    )
    print(
        f"  in the worker     p50 {percentile(worked, 0.5):6.3f} s   "
        f"p99 {percentile(worked, 0.99):6.3f} s   "
        f"(sum {sum(worked):.0f} s of run time)"
    )
    print(f"  last wait before the run started: p50 {percentile(waited, 0.5):.2f} s")
    count, finished, deferred = task_figures(began)
    print(
        f"  task rows: {count} (deferred to a budget window: {deferred}); "
        f"enqueued -> finished p50 {percentile(finished, 0.5):.2f} s, "
        f"p99 {percentile(finished, 0.99):.2f} s"
    )
    print(f"  statuses: {dict(Counter(r.status for r in runs))}")
    print(
        f"  oldest ready task: max {watch.max_age:.1f} s "
        f"({watch.samples} samples; most ready at once {watch.max_ready})"
    )
    wall = watch.wall
    for party, (on, waiting) in sorted(watch.cpu().items()):
        print(
            f"  CPU {party:<9} {on:6.1f} s on a CPU ({on / wall:.2f} CPUs), "
            f"{waiting:6.1f} s runnable but waiting for one"
        )
    print(
        f"  whole machine {watch.machine_share * 100:.0f} % busy over {wall:.0f} s, "
        f"{watch.busy_share() * 100:.0f} % while tasks were ready"
    )
    total = sum(watch.states.values()) or 1
    states = ", ".join(
        f"{state} {n / total * 100:.0f} %" for state, n in watch.states.most_common(6)
    )
    print(f"  PostgreSQL backends: {states}")


def check_syncs(failures, runs, connections):
    successes = Counter(
        r.connection_id
        for r in runs
        if r.status in ("success", "partial") and r.sync_type == "scheduled"
    )
    missing = [c.pk for c in connections if successes[c.pk] == 0]
    doubled = [cid for cid, n in successes.items() if n > 1]
    verdict(
        failures,
        not missing and not doubled,
        f"every connection synced exactly once: {len(missing)} not synced "
        f"{missing[:5]}, {len(doubled)} synced twice {doubled[:5]}",
    )


def check_activities(failures, fleet, connections):
    from django.db.models import Count

    from sync.models import Activity

    doubles = (
        Activity.objects.values("user_id", "provider", "provider_activity_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    stored = dict(Activity.objects.values_list("connection_id").annotate(n=Count("id")))
    wrong = [
        c.pk
        for c in connections
        if stored.get(c.pk, 0) != len(fleet.sessions[(c.provider, athlete_number(c))])
    ]
    expected = sum(len(s) for s in fleet.sessions.values())
    verdict(
        failures,
        doubles == 0 and not wrong,
        f"0 duplicate activities ({doubles}); {sum(stored.values())} stored of "
        f"{expected} served, {len(wrong)} connections off {wrong[:5]}",
    )


def check_windows(failures, fleet):
    for slug in LIMITED:
        peaks = fleet.peaks(slug)
        shown = ", ".join(f"{w} {used}/{limit}" for w, (used, limit) in peaks.items())
        ok = fleet.overruns[slug] == 0 and all(u <= lim for u, lim in peaks.values())
        verdict(
            failures,
            ok,
            f"{slug} window never exceeded: busiest {shown}; "
            f"429s {fleet.overruns[slug]}",
        )
    others = ", ".join(
        f"{s} {fleet.served[s]}" for s in fleet.served if s not in LIMITED
    )
    print(f"        requests served (no app-wide window in the budget): {others}")


def check_lost_run(failures, killer, runs):
    from sync.models import SyncHistory

    if killer is None or killer.victim is None:
        verdict(failures, False, "a worker was SIGKILLed in the middle of a run")
        return
    lost = SyncHistory.objects.get(pk=killer.lost_task.args_kwargs["args"][0])
    after = [
        r
        for r in runs
        if r.connection_id == lost.connection_id and r.status == "success"
    ]
    verdict(
        failures,
        lost.status != "running" and len(after) == 1,
        f"the killed worker's run #{lost.pk} ended {lost.status} "
        f"({lost.error_details.get('kind', '')}); its connection then synced "
        f"{len(after)} time(s)",
    )


def report_phase(label, began, watch, drained, fleet, killer=None):
    from providers.models import ProviderConnection
    from sync import conf
    from sync.models import ACTIVE_SYNC_STATUSES, SyncHistory

    runs = list(SyncHistory.objects.filter(created_at__gte=began))
    connections = list(ProviderConnection.objects.all())
    print_figures(label, runs, began, watch)
    failures = []
    verdict(failures, drained, "the queue drained within the time limit")
    check_syncs(failures, runs, connections)
    check_activities(failures, fleet, connections)
    left = SyncHistory.objects.filter(status__in=ACTIVE_SYNC_STATUSES).count()
    verdict(failures, left == 0, f"0 runs left pending or running ({left})")
    check_windows(failures, fleet)
    bound = conf.duration("SYNC_JITTER").total_seconds()
    verdict(
        failures,
        watch.max_age <= bound,
        f"oldest ready task stayed within SYNC_JITTER ({bound:.0f} s): "
        f"max {watch.max_age:.1f} s",
    )
    if killer is not None:
        check_lost_run(failures, killer, runs)
    return failures
