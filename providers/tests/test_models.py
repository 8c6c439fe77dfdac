import pytest
from django.db import IntegrityError, transaction

from providers.tests.factories import make_connection


def test_one_connection_per_user_and_provider(user):
    make_connection(user, "strava")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_connection(user, "strava")
    make_connection(user, "garmin")  # another provider is fine


def test_one_provider_account_cannot_be_linked_to_two_users(user, other_user):
    make_connection(user, "strava", provider_user_id="12345678901")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_connection(other_user, "strava", provider_user_id="12345678901")
    # The same id at another provider is another account.
    make_connection(other_user, "polar", provider_user_id="12345678901")


def test_provider_user_ids_beyond_32_bits_round_trip(user):
    connection = make_connection(user, "polar", provider_user_id="98765432109876")
    connection.refresh_from_db()
    assert connection.provider_user_id == "98765432109876"
