"""Gunicorn's settings for Trainlytics, read from the working directory by default.

The command line and GUNICORN_CMD_ARGS still set bind, workers and the rest. What
lives here are the hooks Prometheus's multi-process mode needs (trainlytics/ops/):
with PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics to files in that
directory and /metrics adds them up.

The directory is not emptied here: db_worker processes on the same host write there
too, and a counter's total must not drop while they run. Start each host's processes
with an empty one instead (README, "Metrics").
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from trainlytics.ops.metrics import mark_process_dead

        mark_process_dead(worker.pid)
