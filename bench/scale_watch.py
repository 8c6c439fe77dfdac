"""What bench/scale.py watches while a queue drains: the age of the oldest ready task,
queue depth, and the CPU time of each party (workers, PostgreSQL backends, the bench
process that serves the providers, the whole machine), read from /proc."""

import os
import threading
import time
from collections import Counter

DATE_MAX = "9999-01-01 00:00:00+00"  # django_tasks_db's run_after for "no delay"


def oldest_ready():
    """(seconds the oldest ready task has waited, ready tasks, running tasks).

    A deferred task waits from its run_after, not from when it was enqueued."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT EXTRACT(EPOCH FROM now() - MIN(CASE WHEN run_after = %s
                       THEN enqueued_at ELSE GREATEST(enqueued_at, run_after) END)),
                   COUNT(*) FILTER (WHERE status = 'READY'),
                   (SELECT COUNT(*) FROM {table} WHERE status = 'RUNNING')
            FROM {table}
            WHERE status = 'READY' AND (run_after = %s OR run_after <= now())
            """,
            [DATE_MAX, DATE_MAX],
        )
        age, ready, running = cursor.fetchone()
    return float(age or 0), ready, running


def cpu_seconds(pid):
    """(seconds on a CPU, seconds runnable but waiting for one) of process `pid`.

    schedstat covers the main thread only; the bench process's server threads come
    and go, so its figure is utime + stime of the whole process (waiting unknown)."""
    try:
        if pid == os.getpid():
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 0.0
        with open(f"/proc/{pid}/schedstat") as stat:
            on_cpu, waiting, _ = stat.read().split()
    except OSError:
        return None
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def machine_busy():
    """(busy, total) jiffies of the whole machine, every CPU."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def database_backends(database):
    """[(pid, what it is doing)] of the other client backends on `database`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = %s AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()",
            [database],
        )
        rows = cursor.fetchall()
    return [(pid, " ".join(filter(None, rest)) or "?") for pid, *rest in rows]


class Watch:
    """Samples in a thread until stopped; keeps maxima and CPU totals."""

    def __init__(self, workers, database, every=0.5):
        self.workers, self.database, self.every = workers, database, every
        self.max_age = 0.0
        self.max_ready = 0
        self.samples = 0
        self.seen = {}  # (party, pid) -> (first, last) (on CPU, waiting) seconds
        self.states = Counter()  # PostgreSQL backends' state and wait event
        self.baseline = False
        self.loaded = [0, 0]  # busy and total jiffies while tasks were ready
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def start(self):
        self.began = time.monotonic()
        self.machine = machine_busy()
        self.sample_cpu()
        self.baseline = True  # what appears from now on started while watched
        self.thread.start()
        return self

    def stop(self):
        self.stopped.set()
        self.thread.join()
        self.sample_cpu()
        busy, total = machine_busy()
        self.wall = time.monotonic() - self.began
        self.machine_share = (busy - self.machine[0]) / max(total - self.machine[1], 1)

    def loop(self):
        from django.db import connection

        last = machine_busy()
        while not self.stopped.wait(self.every):
            age, ready, _ = oldest_ready()
            now = machine_busy()
            if ready:  # the machine's load while work was waiting
                self.loaded[0] += now[0] - last[0]
                self.loaded[1] += now[1] - last[1]
            last = now
            self.max_age = max(self.max_age, age)
            self.max_ready = max(self.max_ready, ready)
            self.samples += 1
            self.sample_cpu()
        connection.close()  # this thread's own connection

    def sample_cpu(self):
        backends = database_backends(self.database)
        if self.baseline:
            self.states.update(state for _, state in backends)
        parties = [("bench", os.getpid())]
        parties += [("workers", process.pid) for process in self.workers]
        parties += [("postgres", pid) for pid, _ in backends]
        for party, pid in parties:
            now = cpu_seconds(pid)
            if now is not None:
                start = (0.0, 0.0) if self.baseline else now
                first, _ = self.seen.get((party, pid), (start, now))
                self.seen[(party, pid)] = (first, now)

    def busy_share(self):
        return self.loaded[0] / max(self.loaded[1], 1)

    def cpu(self):
        """{party: (seconds on a CPU, seconds waiting for one) while watched}."""
        totals = {}
        for (party, _), (first, last) in self.seen.items():
            on, waiting = totals.get(party, (0.0, 0.0))
            totals[party] = (on + last[0] - first[0], waiting + last[1] - first[1])
        return totals
