"""Background entry points: thin @task wrappers that take ids."""

from django.tasks import task

from . import sending


@task
def send_delivery(delivery_id):
    sending.run_delivery(delivery_id)
