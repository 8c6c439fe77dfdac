"""Staff see where imported connections came from, and cannot change it."""

import pytest
from django.urls import reverse

from providers.models import LegacyImportRecord
from providers.tests.factories import make_connection, make_user

CHANGELIST = reverse("admin:providers_legacyimportrecord_changelist")


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def imported(legacy_id=41):
    connection = make_connection(make_user("imported@example.com"))
    return LegacyImportRecord.objects.create(
        source_table="strava_connections",
        legacy_id=legacy_id,
        digest="d" * 64,
        connection=connection,
        connection_written_at=connection.updated_at,
    )


def test_staff_find_an_import_record_by_legacy_id_and_email(staff):
    record = imported()
    LegacyImportRecord.objects.create(
        source_table="user_connections",
        legacy_id=7,
        digest="e" * 64,
        connection=make_connection(),
    )

    by_id = staff.get(CHANGELIST, {"q": "41"})
    by_email = staff.get(CHANGELIST, {"q": "imported@example.com"})

    assert list(by_id.context["cl"].result_list) == [record]
    assert list(by_email.context["cl"].result_list) == [record]


def test_import_records_are_read_only_and_show_no_token(staff):
    record = imported()
    url = reverse("admin:providers_legacyimportrecord_change", args=[record.pk])

    page = staff.get(url)
    posted = staff.post(url, {"legacy_id": 1})
    deleted = staff.post(
        reverse("admin:providers_legacyimportrecord_delete", args=[record.pk]),
        {"post": "yes"},
    )

    assert page.status_code == 200
    assert record.connection.access_token not in page.content.decode()
    assert posted.status_code == 403 and deleted.status_code == 403
    assert staff.get(reverse("admin:providers_legacyimportrecord_add")).status_code == (
        403
    )
    record.refresh_from_db()
    assert record.legacy_id == 41
