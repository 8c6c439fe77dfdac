"""Legacy `strava_connections` + `user_connections` -> ProviderConnection: the rules.

Pure decisions (which row wins, what an expiry or a profile becomes, what to do
against the target) and the SQL that reads the legacy rows. connection_import.py
applies them.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from ..backends.base import split_scopes
from ..models import ConnectionStatus, Provider
from .source import aware_from_epoch

STRAVA, OTHERS = "strava_connections", "user_connections"
CANDIDATE_SQL = {
    STRAVA: "SELECT id, user_id, 'strava' AS provider, strava_athlete_id::text AS"
    " account, coalesce(btrim(access_token), '') <> '' AS usable,"
    " extract(epoch FROM updated_at)::float8 AS updated_at FROM strava_connections",
    OTHERS: "SELECT id, user_id, provider, coalesce(nullif(btrim(provider_user_id),"
    " ''), CASE jsonb_typeof(profile) WHEN 'object' THEN profile->>'id' END) AS"
    " account, coalesce(btrim(access_token), '') <> '' AS usable,"
    " extract(epoch FROM updated_at)::float8 AS updated_at FROM user_connections",
}
ROW_SQL = {
    STRAVA: "SELECT id, user_id, 'strava' AS provider, access_token, refresh_token,"
    " expires_at::float8 AS expires_at, scope, athlete AS profile, true AS is_active,"
    " extract(epoch FROM created_at)::float8 AS created_at, md5(c::text) AS digest"
    " FROM strava_connections c",
    OTHERS: "SELECT id, user_id, provider, access_token, refresh_token,"
    " extract(epoch FROM token_expires_at)::float8 AS expires_at, NULL AS scope,"
    " profile, is_active, extract(epoch FROM connected_at)::float8 AS created_at,"
    " md5(c::text) AS digest FROM user_connections c",
}
# Anything outside these years is junk ("valid until 9999", 0); such tokens are stored
# as long expired, so the first use refreshes them (tokens.py refreshes nothing whose
# expiry is unknown).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EXPIRED = datetime(1970, 1, 1, tzinfo=UTC)
# The athlete reads it on their card, translated there (trainlytics.stored_text).
FITBIT_DETAIL = gettext_noop("Fitbit now runs on Google Health: please reconnect.")


@dataclass(frozen=True, slots=True)
class Candidate:
    table: str
    id: int
    user: int | None  # the target user, None when the legacy owner was not imported
    provider: str | None  # normalised; None when no provider at all
    raw_provider: str
    account: str | None
    usable: bool
    updated_at: float


PROVIDERS = frozenset(Provider.values)  # Provider.values builds a new list per call


def normalise_provider(text):
    value = (text or "").strip().lower()
    return value if value in PROVIDERS else None


def choose_connections(candidates):
    """(winning (table, id) -> Candidate, [(table, id, reason, detail)] skipped).

    For each (user, provider) the most recently updated usable row wins; a row without
    an access token never overrides a usable one. A provider account found on two users
    stays with the most recently updated row.
    """
    skipped, groups = [], {}
    for c in candidates:
        reason = _unusable_reason(c)
        if reason:
            skipped.append((c.table, c.id, reason, ""))
        else:
            groups.setdefault((c.user, c.provider), []).append(c)
    winners = {}
    for group in groups.values():
        group.sort(key=_recency, reverse=True)
        best = next((c for c in group if c.usable), None)
        for c in group:
            if best is None:
                skipped.append((c.table, c.id, "no usable access token", ""))
            elif c is not best:
                skipped.append((c.table, c.id, *_loss(c, best)))
        if best is not None:
            winners.setdefault((best.provider, best.account), []).append(best)
    chosen = {}
    for holders in winners.values():
        holders.sort(key=_recency, reverse=True)
        chosen[(holders[0].table, holders[0].id)] = holders[0]
        for c in holders[1:]:
            detail = f"kept by {holders[0].table} id={holders[0].id}, updated later"
            skipped.append(
                (c.table, c.id, "provider account also linked to another user", detail)
            )
    return chosen, skipped


def _unusable_reason(c):
    if c.user is None:
        return "owner not imported"
    if c.provider is None:
        return f"unknown provider {c.raw_provider!r}"
    if not c.account:
        return "no provider user id"
    return ""


def _recency(c):
    return (c.updated_at, c.table, c.id)


def _loss(c, best):
    detail = f"{best.table} id={best.id} imported"
    if not c.usable:
        return "no usable access token", detail
    return "older row for the same user and provider", detail


def legacy_expiry(epoch):
    """(aware expiry, problem or "") from legacy epoch seconds."""
    when = aware_from_epoch(epoch)
    if epoch is None:
        return EXPIRED, "no token expiry; stored as expired so the next use refreshes"
    if when is None or not EARLIEST <= when < LATEST:
        return EXPIRED, (
            f"impossible token expiry {epoch:.0f}; stored as expired so the next "
            "use refreshes"
        )
    return when, ""


def legacy_profile(value):
    """(profile dict, problem or "") from whatever JSON the legacy column holds."""
    if value is None:
        return {}, ""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            return decoded, ""
    if isinstance(value, dict):
        return value, ""
    return {"legacy_value": value}, "profile is not a JSON object; kept as legacy_value"


def legacy_digest(row):
    """Which version of the legacy row an import wrote; an HMAC of its md5, so no
    token fingerprint is stored."""
    return salted_hmac(
        "providers.legacy.connection", row["digest"], algorithm="sha256"
    ).hexdigest()


def connection_fields(row):
    """(model field values, [problems]) for one winning legacy row."""
    expires_at, expiry_problem = legacy_expiry(row["expires_at"])
    profile, profile_problem = legacy_profile(row["profile"])
    provider = normalise_provider(row["provider"])
    fields = {
        "access_token": row["access_token"].strip(),
        "refresh_token": (row["refresh_token"] or "").strip() or None,
        "token_expires_at": expires_at,
        "scopes": split_scopes(row["scope"]),
        "provider_profile": profile,
        "status": ConnectionStatus.ACTIVE,
        "status_detail": "",
        "is_active": row["is_active"],
    }
    problems = [p for p in (expiry_problem, profile_problem) if p]
    if provider == Provider.FITBIT:
        # providers.md §7.6: the Fitbit Web API and its OAuth are switched off.
        fields["status"] = ConnectionStatus.REAUTH_REQUIRED
        fields["status_detail"] = FITBIT_DETAIL
        problems.append("legacy Fitbit tokens are dead; imported as needing reconnect")
    return fields, problems


def plan_connection(candidate, provenance, current, record, account_holder):
    """("create" | "update" | "unchanged" | "skip", reason) against the target rows.

    `provenance` is (table, legacy id, digest) of the winning row; `current` the
    user's connection to that provider in the new database (or None), `record` its
    LegacyImportRecord (or None), `account_holder` the user id already holding that
    provider account (or None). A connection made in the new app has no record, and
    one the new app changed since the import (reconnect, token refresh) has a newer
    updated_at than the record: both are kept, their tokens being newer than
    anything in the legacy database.
    """
    if account_holder is not None and account_holder != candidate.user:
        return "skip", "provider account already linked to another user"
    if current is None:
        return "create", ""
    if record is None:
        return "skip", "already connected in the new app; kept"
    if record.connection_written_at != current.updated_at:
        return "skip", "changed in the new app since the import; kept"
    if (record.source_table, record.legacy_id, record.digest) == provenance:
        return "unchanged", ""
    return "update", ""
