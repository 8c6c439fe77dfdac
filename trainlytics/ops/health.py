"""The checks behind /healthz: the database answers, and every migration is applied.

A load balancer polls every few seconds, so a healthy poll costs one `SELECT 1`: once
the migration plan is found empty, that answer is trusted for MIGRATIONS_CACHE seconds
in this process (an unapplied migration is looked for again on every poll, so a
`migrate` turns the check green at once). Failures are named, never described: an
exception's text can carry a host, a user or a password.
"""

import logging
import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

MIGRATIONS_CACHE = 30.0
SKIPPED = "not checked"
_migrations_checked_at = None


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return "unreachable"
    return "ok"


def unapplied_migrations():
    """Migrations in the code that the database has not applied ([] when none)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [migration for migration, _backwards in plan]


def check_migrations():
    global _migrations_checked_at
    checked = _migrations_checked_at
    if checked is not None and time.monotonic() - checked < MIGRATIONS_CACHE:
        return "ok"
    try:
        pending = unapplied_migrations()
    except Exception as exc:  # a broken graph or history: unhealthy, not a 500
        logger.warning("healthz: migrations not checked (%s)", type(exc).__name__)
        return "error"
    if pending:
        return f"{len(pending)} unapplied"
    _migrations_checked_at = time.monotonic()
    return "ok"


def forget_migrations_check():
    """Tests, and anyone who wants the next poll to look again."""
    global _migrations_checked_at
    _migrations_checked_at = None


def run_checks():
    """{check name: "ok" or what is wrong}; no database, no migrations check."""
    checks = {"database": check_database()}
    if checks["database"] == "ok":
        checks["migrations"] = check_migrations()
    else:
        checks["migrations"] = SKIPPED
    return checks
