"""Background entry points: thin @task wrappers that take ids.

`manage.py db_worker` (django-tasks-db) executes them in production; the test
settings run them inline (ImmediateBackend). Enqueue through services
(request_sync, enqueue_run), which wait for the transaction to commit.
"""

from django.tasks import task

from . import services


@task
def sync_connection(sync_id):
    services.run_sync(sync_id)


@task
def sync_due_connections():
    services.enqueue_due_syncs()
