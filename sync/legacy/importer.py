"""The whole legacy import, table by table; `manage.py import_legacy` calls `run`.

Every batch commits in its own transaction and every write first compares with what
is there, so a run killed mid-way is completed by the next one and a run over
unchanged data writes nothing. A dry run does the same work inside one transaction
that is rolled back at the end, so its report is exactly what a real run would say.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from providers.legacy.bulk import bulk_session
from providers.legacy.connection_import import import_connections
from providers.legacy.report import Report
from providers.legacy.source import LegacySource
from providers.legacy.users import import_users, map_users
from providers.models import ProviderConnection

from .activities import import_activities
from .sync_logs import import_sync_logs

STEPS = ("users", "connections", "activities", "sync_logs")
# Rows per batch and transaction: big enough that per-batch round trips and commits
# are noise, small enough to keep memory flat (about 20 MB of activities).
BATCH_SIZE = 5000


class NotMigratedError(Exception):
    """The target database lacks migrations; the import would fail half-way."""


def check_migrated(alias=DEFAULT_DB_ALIAS):
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise NotMigratedError(
            f"the database is not migrated ({names}...): run `manage.py migrate`"
        )


def strava_connection_ids():
    return dict(
        ProviderConnection.objects.filter(provider="strava").values_list(
            "user_id", "id"
        )
    )


def run(source_url, only=STEPS, batch_size=BATCH_SIZE, dry_run=False, out=print):
    """Import the legacy database at `source_url`; returns the Report.

    Raises SourceError when the legacy database cannot be read.
    """
    source = LegacySource(source_url)
    report = Report(out)
    try:
        if dry_run:
            with transaction.atomic():
                _run_steps(source, report, only, batch_size)
                transaction.set_rollback(True)
        else:
            bulk_session(True)
            try:
                _run_steps(source, report, only, batch_size)
            finally:
                bulk_session(False)
    finally:
        source.close()
    return report


def _run_steps(source, report, only, batch_size):
    if "users" in only:
        import_users(source, report, batch_size)
    user_map = map_users(source, batch_size)
    if "connections" in only:
        import_connections(source, report, user_map, batch_size)
    strava = strava_connection_ids()
    if "activities" in only:
        import_activities(source, report, user_map, strava, batch_size)
    if "sync_logs" in only:
        import_sync_logs(source, report, user_map, strava, batch_size)
