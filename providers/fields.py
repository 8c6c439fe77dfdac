"""EncryptedTextField: a TextField whose column only ever holds Fernet ciphertext.

Values read from the database stay ciphertext (a `Ciphertext` str) until the attribute
is read on a model instance; decryption happens there so a failure can name the row.
Reading
the column with `values()` or raw SQL yields ciphertext, never the secret.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Ciphertext(str):
    """A value exactly as stored: already encrypted, written back unchanged."""

    __slots__ = ()


class TokenDecryptionError(Exception):
    """No configured key decrypts a stored token."""


@cache
def _fernet_for(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from exc


def get_fernet():
    return _fernet_for(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt(plaintext):
    return Ciphertext(get_fernet().encrypt(plaintext.encode()).decode())


def decrypt(ciphertext):
    return get_fernet().decrypt(ciphertext.encode()).decode()


def is_current(ciphertext):
    """True when the first (encrypting) key already decrypts the value."""
    first_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    try:
        _fernet_for((first_key,)).decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


def rotate(ciphertext):
    return Ciphertext(get_fernet().rotate(ciphertext.encode()).decode())


class _EncryptedAttribute:
    """Data descriptor: decrypts on first read, where the instance is known."""

    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner):
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__:  # deferred with only()/defer()
            instance.refresh_from_db(fields=[self.field.attname])
        value = instance.__dict__[self.field.attname]
        if isinstance(value, Ciphertext):
            try:
                value = decrypt(value)
            except InvalidToken:
                raise TokenDecryptionError(
                    f"{self.field.name} of {instance._meta.label} id={instance.pk} "
                    "cannot be decrypted with any key in TOKEN_ENCRYPTION_KEYS."
                ) from None
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    descriptor_class = _EncryptedAttribute

    def from_db_value(self, value, expression, connection):
        return None if value is None else Ciphertext(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or isinstance(value, Ciphertext):
            return value
        return encrypt(value)

    def value_to_string(self, obj):
        # Serialisation (dumpdata) never writes the secret out.
        return self.value_from_object(obj) and "<encrypted>"
