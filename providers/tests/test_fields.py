import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from providers.fields import TokenDecryptionError
from providers.models import ProviderConnection
from providers.tests.factories import make_connection


def raw_tokens(pk):
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM provider_connections"
            " WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_raw_column_holds_ciphertext_not_the_token(user):
    connection = make_connection(
        user, access_token="plain-access-abc", refresh_token="plain-refresh-xyz"
    )
    access, refresh = raw_tokens(connection.pk)
    assert "plain-access-abc" not in access
    assert "plain-refresh-xyz" not in refresh
    assert access.startswith("gAAAA")  # Fernet token


def test_tokens_decrypt_through_the_model(user):
    connection = make_connection(user, access_token="plain-access-abc")
    loaded = ProviderConnection.objects.get(pk=connection.pk)
    assert loaded.access_token == "plain-access-abc"
    assert loaded.refresh_token == connection.refresh_token


def test_deferred_token_loads_on_access(user):
    connection = make_connection(user, access_token="plain-access-abc")
    loaded = ProviderConnection.objects.only("id").get(pk=connection.pk)
    assert loaded.access_token == "plain-access-abc"


def test_missing_refresh_token_stays_null(user):
    connection = make_connection(user, "polar", refresh_token=None)
    assert raw_tokens(connection.pk)[1] is None
    assert ProviderConnection.objects.get(pk=connection.pk).refresh_token is None


def test_unknown_key_raises_a_clear_error_naming_the_connection(user, settings):
    connection = make_connection(user, access_token="plain-access-abc")
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    loaded = ProviderConnection.objects.get(pk=connection.pk)
    with pytest.raises(TokenDecryptionError) as excinfo:
        _ = loaded.access_token
    message = str(excinfo.value)
    assert f"id={connection.pk}" in message
    assert "plain-access-abc" not in message


def test_rotate_token_keys_reencrypts_under_the_new_first_key(user, settings, capsys):
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    a = make_connection(user, "strava", access_token="tok-a", refresh_token="ref-a")
    b = make_connection(user, "polar", access_token="tok-b", refresh_token=None)
    before = raw_tokens(a.pk)

    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_token_keys", "--batch-size", "1")
    assert "2 connections re-encrypted" in capsys.readouterr().out
    assert raw_tokens(a.pk) != before

    # The old key is no longer needed once rotation finished.
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]
    assert ProviderConnection.objects.get(pk=a.pk).refresh_token == "ref-a"
    assert ProviderConnection.objects.get(pk=b.pk).access_token == "tok-b"

    # Running again is harmless and changes nothing.
    call_command("rotate_token_keys")
    assert "0 connections re-encrypted, 2 already" in capsys.readouterr().out


def test_rotate_token_keys_reports_rows_no_key_decrypts(user, settings, capsys):
    connection = make_connection(user)
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    call_command("rotate_token_keys")
    assert f"connection id={connection.pk}" in capsys.readouterr().err
