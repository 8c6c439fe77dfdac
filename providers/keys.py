"""Re-encrypting stored tokens under the first TOKEN_ENCRYPTION_KEYS key."""

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.db import transaction

from .fields import Ciphertext, is_current, rotate
from .models import ProviderConnection

TOKEN_FIELDS = ("access_token", "refresh_token")


@dataclass
class RotationReport:
    rotated: int = 0
    current: int = 0
    undecryptable: list[int] = field(default_factory=list)


def _rotated_values(row):
    """New ciphertexts for the row's tokens that are not under the first key yet."""
    changes = {}
    for name in TOKEN_FIELDS:
        value = row[name]
        if value and not is_current(value):
            changes[name] = Ciphertext(rotate(value))
    return changes


def rotate_token_keys(batch_size=500, progress=None):
    """Re-encrypt every token under the first key, one committed batch at a time.

    Safe to interrupt and re-run: rows already under the first key are left alone.
    """
    report = RotationReport()
    last_pk = 0
    while True:
        rows = list(
            ProviderConnection.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values("pk", *TOKEN_FIELDS)[:batch_size]
        )
        if not rows:
            return report
        with transaction.atomic():
            for row in rows:
                _rotate_row(row, report)
        last_pk = rows[-1]["pk"]
        if progress:
            progress(report)


def _rotate_row(row, report):
    try:
        changes = _rotated_values(row)
    except InvalidToken:
        report.undecryptable.append(row["pk"])
        return
    if changes:
        ProviderConnection.objects.filter(pk=row["pk"]).update(**changes)
        report.rotated += 1
    else:
        report.current += 1
