"""Legacy `users` -> trainlytics.User, matched by email case-insensitively.

Emails that differ only by case are one person: the lowest legacy id keeps the email
and its password hash; the others are reported as collisions and, since every legacy
row is mapped to a user by lower-cased email, their rows go to that surviving user.
A user who already exists is never given the legacy password: it may have been
changed or upgraded at login since, and a re-run must change nothing.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from .bulk import copy_models
from .source import aware_from_epoch

TABLE = "users"
USERS_SQL = (
    "SELECT id, email, full_name, password_hash,"
    " extract(epoch FROM created_at)::float8 AS created_at FROM users"
)
COLLISIONS_SQL = (
    "SELECT id, lower(btrim(email)) AS email_key FROM users WHERE lower(btrim(email))"
    " IN (SELECT lower(btrim(email)) FROM users GROUP BY 1 HAVING count(*) > 1)"
    " ORDER BY id"
)
EMAILS_SQL = "SELECT id, lower(btrim(email)) AS email_key FROM users"
# What the old backend (and PHP's crypt, $2y$) wrote: 22 salt + 31 hash characters.
BCRYPT_HASH = re.compile(r"^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$")


def email_key(email):
    return (email or "").strip().lower()


def collision_survivors(rows):
    """{legacy id: surviving legacy id} for every row whose email is not the oldest."""
    oldest = {}
    survivors = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        key = row["email_key"]
        if key in oldest:
            survivors[row["id"]] = oldest[key]
        else:
            oldest[key] = row["id"]
    return survivors


def legacy_password(password_hash):
    """(Django password value, problem or "") for a legacy bcrypt hash or NULL.

    Django's BCryptPasswordHasher stores "bcrypt$" + the bcrypt hash itself, so the
    old hash verifies unchanged and is upgraded to the first hasher at login.
    """
    if not password_hash or not password_hash.strip():
        return make_password(None), ""
    if BCRYPT_HASH.match(password_hash.strip()):
        return f"bcrypt${password_hash.strip()}", ""
    return make_password(None), "password hash is not bcrypt; password left unusable"


def plan_user(row, survivors, existing):
    """("create" | "update" | "unchanged" | "skip" | "collision", detail) for a row.

    `existing` maps lower-cased email to the target user already holding it.
    """
    key = email_key(row["email"])
    if not key:
        return "skip", "no email address"
    if row["id"] in survivors:
        return "collision", f"same email as users id={survivors[row['id']]}"
    user = existing.get(key)
    if user is None:
        return "create", ""
    if not user.full_name and (row["full_name"] or "").strip():
        return "update", ""
    return "unchanged", ""


def import_users(source, report, batch_size):
    User = get_user_model()
    survivors = collision_survivors(source.fetch(COLLISIONS_SQL))
    report.start(TABLE, source.count(TABLE))
    # Into a target without users (a first import) no batch needs to look any up:
    # legacy emails are unique case-insensitively once collisions are set aside. A
    # signup meanwhile makes the COPY fail, and _create_users goes row by row.
    fresh = not User.objects.exists()
    for rows in source.batches(USERS_SQL, batch_size):
        existing = {} if fresh else _existing(User, rows)
        with transaction.atomic():
            _write_users(User, rows, survivors, existing, report)
        report.advance(TABLE, len(rows))
    report.progress(TABLE)


def _existing(User, rows):
    """{lower-cased email: target user} for the emails of `rows`."""
    keys = {email_key(r["email"]) for r in rows}
    return {
        u.email_key: u
        for u in User.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=keys)
        .only("id", "email", "full_name")
    }


def _write_users(User, rows, survivors, existing, report):
    new_users = []
    for row in rows:
        action, detail = plan_user(row, survivors, existing)
        if action == "skip":
            report.skip(TABLE, row["id"], detail)
        elif action == "collision":
            report.count(TABLE, "skipped")
            report.note(
                "collision", TABLE, row["id"], "email differs only by case", detail
            )
        elif action == "update":
            user = existing[email_key(row["email"])]
            user.full_name = row["full_name"].strip()[:150]
            user.save(update_fields=["full_name"])
            report.count(TABLE, "updated")
        elif action == "unchanged":
            report.count(TABLE, "unchanged")
        else:
            new_users.append((row, _new_user(User, row, report)))
    _create_users(User, new_users, report)


def _new_user(User, row, report):
    password, problem = legacy_password(row["password_hash"])
    if problem:
        report.note("fixed", TABLE, row["id"], problem)
    fields = {}
    joined = aware_from_epoch(row["created_at"])
    if joined is not None:
        fields["date_joined"] = joined
    return User(
        email=row["email"].strip(),
        full_name=(row["full_name"] or "").strip()[:150],
        password=password,
        **fields,
    )


def _create_users(User, new_users, report):
    try:
        with transaction.atomic():
            copy_models(User, [user for _, user in new_users])
        report.count(TABLE, "created", len(new_users))
        return
    except IntegrityError:
        pass  # someone signed up meanwhile; find out which row, one at a time
    for row, user in new_users:
        try:
            with transaction.atomic():
                user.save()
            report.count(TABLE, "created")
        except IntegrityError:
            report.skip(TABLE, row["id"], "conflicts with a user created meanwhile")


def map_users(source, batch_size):
    """{legacy user id: target user id}, through the lower-cased email.

    The target's users are read once, in one streamed query, rather than looked up
    per batch: that was a query with tens of thousands of parameters per batch, and
    each step of the import starts with this map.
    """
    User = get_user_model()
    by_email = dict(
        User.objects.annotate(email_key=Lower("email"))
        .values_list("email_key", "id")
        .iterator(chunk_size=batch_size * 5)
    )
    mapping = {}
    for rows in source.batches(EMAILS_SQL, batch_size * 5):
        for row in rows:
            user_id = by_email.get(row["email_key"]) if row["email_key"] else None
            if user_id is not None:
                mapping[row["id"]] = user_id
    return mapping
