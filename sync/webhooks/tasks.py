"""The webhook task: a thin wrapper taking an event id (db_worker runs it)."""

from django.tasks import task

from . import processing


@task
def process_webhook_event(event_id):
    processing.process_event(event_id)
