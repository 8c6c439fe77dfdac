"""Import of legacy connections, applying the rules in connections.py.

Two passes. The first reads a few columns of every row and decides, as a pure
function, which row wins each (user, provider) and each provider account; the second
streams the winners' full rows (tokens included) in batches and writes them.
Connections are written in bulk, not through `services.upsert_connection`: that
announces each new connection (sync then enqueues an initial sync), and tens of
thousands of simultaneous first syncs would only meet Strava's rate limit (providers.md
§2.6). The athlete's next sync or reconnect picks them up.
"""

from django.db import IntegrityError, transaction

from ..models import LegacyImportRecord, ProviderConnection
from .bulk import copy_models
from .connections import (
    CANDIDATE_SQL,
    ROW_SQL,
    Candidate,
    choose_connections,
    connection_fields,
    legacy_digest,
    normalise_provider,
    plan_connection,
)
from .source import aware_from_epoch

FIELDS = ProviderConnection._meta.concrete_fields


def candidates(source, user_map, batch_size):
    for table, sql in CANDIDATE_SQL.items():
        for rows in source.batches(sql, batch_size * 10):
            for r in rows:
                yield Candidate(
                    table=table,
                    id=r["id"],
                    user=user_map.get(r["user_id"]),
                    provider=normalise_provider(r["provider"]),
                    raw_provider=r["provider"],
                    account=(r["account"] or "").strip() or None,
                    usable=r["usable"],
                    updated_at=r["updated_at"] or 0.0,
                )


def import_connections(source, report, user_map, batch_size):
    chosen, skipped = choose_connections(candidates(source, user_map, batch_size))
    for table in ROW_SQL:
        report.start(table, source.count(table))
    for table, row_id, reason, detail in skipped:
        report.skip(table, row_id, reason, detail)
    # Into a target without connections (a first import) no batch needs to look up
    # the ones stored: winners never share a user and provider or an account, so no
    # batch meets another's rows. One made in the new app meanwhile makes the COPY
    # fail, and _create then goes row by row.
    fresh = not ProviderConnection.objects.exists()
    for table, sql in ROW_SQL.items():
        for rows in source.batches(sql, batch_size):
            winners = [
                (r, chosen[table, r["id"]]) for r in rows if (table, r["id"]) in chosen
            ]
            with transaction.atomic():
                _write_batch(table, winners, report, fresh)
            report.advance(table, len(rows))
        report.progress(table)


def _write_batch(table, winners, report, fresh=False):
    current, records, holders = ({}, {}, {}) if fresh else _stored(winners)
    # Once per batch, not per row: as an ORM insert would, at this moment.
    defaults = {f.attname: f.get_default() for f in FIELDS}
    new = []
    for row, c in winners:
        fields, problems = connection_fields(row)
        provenance = (table, row["id"], legacy_digest(row))
        existing = current.get((c.user, c.provider))
        record = records.get(existing.pk) if existing else None
        action, reason = plan_connection(
            c, provenance, existing, record, holders.get((c.provider, c.account))
        )
        if action == "skip":
            report.skip(table, row["id"], reason)
            continue
        if action == "unchanged":
            report.count(table, "unchanged")
            continue
        for problem in problems:
            report.note("fixed", table, row["id"], problem)
        fields["provider_user_id"] = c.account
        if action == "update":
            _update(existing, fields, record, provenance)
            report.count(table, "updated")
        else:
            fields.update(user_id=c.user, provider=c.provider)
            created_at = aware_from_epoch(row["created_at"])
            if created_at:
                fields["created_at"] = created_at
            new.append((_new_connection(fields, defaults), provenance))
    _create(table, new, report)


def _new_connection(fields, defaults):
    # Positional: Model.__init__ takes three times as long with keywords, and an
    # import builds tens of thousands.
    return ProviderConnection(
        *[fields[name] if name in fields else defaults[name] for name in defaults]
    )


def _stored(winners):
    """(connections of the winners' users by (user, provider), their import records
    by connection id, account holders)."""
    users = {c.user for _, c in winners}
    current = {
        (conn.user_id, conn.provider): conn
        for conn in ProviderConnection.objects.filter(user_id__in=users).only(
            "id", "user_id", "provider", "provider_user_id", "updated_at"
        )
    }
    records = {
        r.connection_id: r
        for r in LegacyImportRecord.objects.filter(
            connection__user_id__in=users, sync_run_id=None
        )
    }
    holders = _account_holders({(c.provider, c.account) for _, c in winners})
    return current, records, holders


def _account_holders(keys):
    holders = {}
    for provider in {p for p, _ in keys}:
        accounts = [a for p, a in keys if p == provider]
        holders.update(
            ((provider, account), user_id)
            for account, user_id in ProviderConnection.objects.filter(
                provider=provider, provider_user_id__in=accounts
            ).values_list("provider_user_id", "user_id")
        )
    return holders


def _update(connection, fields, record, provenance):
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.save(update_fields=[*fields, "updated_at"])
    record.source_table, record.legacy_id, record.digest = provenance
    record.connection_written_at = connection.updated_at
    record.imported_at = connection.updated_at
    record.save()


def _record(connection, provenance):
    table, legacy_id, digest = provenance
    return LegacyImportRecord(
        source_table=table,
        legacy_id=legacy_id,
        digest=digest,
        connection_id=connection.pk,
        connection_written_at=connection.updated_at,
    )


def _create(table, new, report):
    """Write the batch's new connections and their import records: by COPY, or row
    by row when one conflicts with a connection made in the new app meanwhile."""
    try:
        with transaction.atomic():
            copy_models(ProviderConnection, [conn for conn, _ in new])
            _set_ids([conn for conn, _ in new])
            copy_models(LegacyImportRecord, [_record(c, p) for c, p in new])
        report.count(table, "created", len(new))
        return
    except IntegrityError:
        pass  # a connection was made in the new app meanwhile; go row by row
    for connection, provenance in new:
        connection.pk = None  # COPY gave none, but _set_ids may have
        try:
            with transaction.atomic():
                connection.save()
                _record(connection, provenance).save()
            report.count(table, "created")
        except IntegrityError:
            report.skip(table, provenance[1], "conflicts with a new connection")


def _set_ids(connections):
    """Give COPied connections their primary keys (COPY returns none)."""
    if not connections or connections[0].pk is not None:
        return  # bulk_create (off PostgreSQL) has set them
    stored = ProviderConnection.objects.filter(
        user_id__in={c.user_id for c in connections}
    ).values_list("user_id", "provider", "pk")
    ids = {(user_id, provider): pk for user_id, provider, pk in stored}
    for connection in connections:
        connection.pk = ids[connection.user_id, connection.provider]
