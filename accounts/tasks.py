"""Background entry points: thin @task wrappers taking ids (db_worker runs them)."""

from django.tasks import task

from . import revocations


@task
def revoke_grant(revocation_id):
    revocations.attempt(revocation_id)
