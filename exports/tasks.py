"""Background entry points: thin @task wrappers that take ids."""

from django.tasks import task

from . import services


@task
def build_export(export_id):
    services.run_export(export_id)
