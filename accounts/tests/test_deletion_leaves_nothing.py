"""After an account is deleted, no table holds a row that references the athlete.

Found generically: every foreign key and one-to-one of every installed model is
followed outward from the user row, so a table added later is checked too, and the
seed must then give the athlete a row of it (the first test says which is missing).
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from accounts.deletion import delete_account
from accounts.models import PendingRevocation
from sync.models import WebhookEvent

from .references import (
    all_models,
    keys_of,
    relations,
    rows_pointing_at,
    rows_reaching,
)
from .seed import seed_everything


def models_that_can_reference_a_user():
    User = get_user_model()
    reach, grew = {User}, True
    while grew:
        grew = False
        for model in all_models():
            if model not in reach and any(
                f.related_model in reach for f in relations(model)
            ):
                reach.add(model)
                grew = True
    return reach


def test_the_seed_gives_the_athlete_a_row_in_every_table_that_can_reference_them(
    user,
):
    seed_everything(user)

    found = rows_reaching(user)

    missing = models_that_can_reference_a_user() - set(found)
    assert sorted(m._meta.label for m in missing) == []


@pytest.mark.postgres
def test_after_deletion_no_table_holds_a_row_that_references_the_athlete(
    user, other_user
):
    connections = seed_everything(user)
    seed_everything(other_user)
    doomed, kept = rows_reaching(user), rows_reaching(other_user)
    keys = keys_of(doomed)
    accounts = [(c.provider, c.provider_user_id) for c in connections.values()]

    delete_account(user)

    assert rows_pointing_at(keys) == []
    for model, pks in doomed.items():
        assert not model._base_manager.filter(pk__in=pks).exists(), model
    for model, pks in kept.items():
        assert model._base_manager.filter(pk__in=pks).count() == len(pks), model
    # What points at the athlete without a foreign key.
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(user.pk) not in sessions
    assert not LogEntry.objects.filter(object_id=str(user.pk)).exists()
    for provider, account in accounts:
        assert not WebhookEvent.objects.filter(
            provider=provider, provider_user_id=account
        ).exists()
    # Only what revoking the grants needs is kept, with no link to the athlete.
    assert sorted(PendingRevocation.objects.values_list("provider", flat=True)) == [
        "garmin",
        "strava",
    ]
