"""Background entry points: thin @task wrappers that take ids.

Enqueue through analytics.streams.queue, which picks the task priority and waits
for the transaction to commit.
"""

from django.tasks import task

from .streams import fetching


@task
def fetch_activity_streams(streams_id):
    fetching.run_fetch(streams_id)
