"""Benchmark: what matching plan to reality adds to a backfill (issue 15).

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_bench \
        .venv/bin/python bench/planning_match.py [--count 20000] [--workouts 300]

The 20,000-activity Strava backfill of bench/sync_ingest.py (same loopback server,
same run_sync), for an athlete in Europe/Paris with 300 planned workouts spread over
the backfill's window, timed with planning's receiver connected and disconnected,
alternated over five rounds (the machine is shared: the fastest and the median of
each are compared). It prints the times, the ratios, and how many workouts the
backfill completed; it asserts nothing.
"""

import argparse
from datetime import timedelta
from statistics import median

from sync_ingest import START, bench_connection, clear, ours, serve, setup_django, timed

SPORTS = ("run", "ride", "swim", "walk")


def plan_workouts(user, count, days):
    from sync.models import Workout

    Workout.objects.filter(user=user).delete()
    step = max(days // count, 1)
    Workout.objects.bulk_create(
        Workout(
            user=user,
            title=f"Plan {n}",
            sport_type=SPORTS[n % len(SPORTS)],
            scheduled_for=(START + timedelta(days=n * step)).date(),
            planned_duration_s=2400,
        )
        for n in range(count)
    )


def completed(user):
    from sync.models import Workout, WorkoutStatus

    return Workout.objects.filter(user=user, status=WorkoutStatus.COMPLETED).count()


def backfill(connection, matching_on, count):
    from planning.receivers import rematch
    from sync.signals import activities_changed

    if not matching_on:
        activities_changed.disconnect(dispatch_uid="planning.rematch")
    try:
        label = "  backfill, matching " + ("on" if matching_on else "off")
        return timed(label, count, lambda: ours(connection))
    finally:
        activities_changed.connect(rematch, dispatch_uid="planning.rematch")


def main(count, workouts, rounds=5):
    setup_django(serve(count))
    connection = bench_connection()
    user = connection.user
    user.time_zone = "Europe/Paris"
    user.save()
    days = count * 3 // 24  # the server's sessions are three hours apart
    plan_workouts(user, workouts, days)
    print(f"{count} Strava activities over {days} days, {workouts} planned workouts")
    clear()
    on, off, matched = [], [], 0
    for _ in range(rounds):
        on.append(backfill(connection, True, count))
        matched = completed(user)
        clear()
        off.append(backfill(connection, False, count))
        clear()
    print(f"workouts completed by the backfill: {matched} of {workouts}")
    for label, pick in (("fastest", min), ("median", median)):
        ratio = (pick(on) / pick(off) - 1) * 100
        print(
            f"{label:<8} on {pick(on):6.2f} s  off {pick(off):6.2f} s"
            f"  matching overhead {ratio:+5.1f} %  (target <= 10 %)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--workouts", type=int, default=300)
    args = parser.parse_args()
    main(args.count, args.workouts)
