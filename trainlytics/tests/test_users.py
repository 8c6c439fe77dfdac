import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError

from providers.tests.factories import make_user

User = get_user_model()


def test_email_is_the_login_identifier(db):
    user = User.objects.create_user("Runner@Example.com", "s3cret-pass-phrase")
    assert user.get_username() == "Runner@example.com"
    assert not hasattr(user, "username")


def test_emails_differing_only_in_case_are_rejected_by_the_database(db):
    make_user("ana@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANA@example.com")


def test_login_matches_email_case_insensitively(db):
    make_user("ana@example.com", password="s3cret-pass-phrase")
    user = authenticate(username="ANA@Example.COM", password="s3cret-pass-phrase")
    assert user is not None and user.email == "ana@example.com"


def test_superuser_is_staff(db):
    admin = User.objects.create_superuser("boss@example.com", "s3cret-pass-phrase")
    assert admin.is_staff and admin.is_superuser
