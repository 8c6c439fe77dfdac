"""Rotating SECRET_KEY with the old key in SECRET_KEY_FALLBACKS (README, "Deploying")
keeps athletes logged in, including those whose sessions carry a per-user salt."""

import pytest
from django.contrib.auth.tokens import default_token_generator

from .test_sessions import is_logged_in, logged_in_client

OLD_KEY = "old-secret-key-" + "x" * 40
NEW_KEY = "new-secret-key-" + "y" * 40


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def rotate(settings, *, keep_old):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY] if keep_old else []


@pytest.mark.parametrize("salted", [False, True], ids=["fresh", "salted"])
def test_a_session_signed_with_the_old_key_survives_while_it_is_a_fallback(
    old_key, user, salted
):
    if salted:
        # Sessions after a "log out other sessions" hash a per-user salt too.
        user.rotate_session_salt()
    client = logged_in_client(user)
    rotate(old_key, keep_old=True)
    assert is_logged_in(client)


def test_without_the_fallback_the_old_sessions_end(old_key, user):
    client = logged_in_client(user)
    rotate(old_key, keep_old=False)
    assert not is_logged_in(client)


def test_a_password_reset_link_made_before_the_rotation_still_works(old_key, user):
    token = default_token_generator.make_token(user)
    rotate(old_key, keep_old=True)
    assert default_token_generator.check_token(user, token)
    rotate(old_key, keep_old=False)
    assert not default_token_generator.check_token(user, token)
