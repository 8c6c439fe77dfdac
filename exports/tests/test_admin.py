"""Staff see exports and kept originals, read-only, and never their files."""

import pytest
from django.urls import reverse

from exports.models import OriginalActivityFile
from providers.tests.factories import make_user

from .helpers import build
from .seed import seed_athlete

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def export(user, django_capture_on_commit_callbacks):
    seed_athlete(user)
    return build(user, django_capture_on_commit_callbacks)


def test_staff_list_exports_by_athlete_and_status(staff, export):
    url = reverse("admin:exports_accountexport_changelist")

    page = staff.get(url, {"q": "athlete@example.com", "status__exact": "ready"})

    assert page.status_code == 200
    assert str(export.pk) in page.content.decode()


def test_an_export_is_shown_read_only_without_its_file(staff, export):
    url = reverse("admin:exports_accountexport_change", args=[export.pk])

    page = staff.get(url).content.decode()

    assert "athlete@example.com" in page
    assert export.file.name not in page
    assert 'name="status"' not in page  # no form field: nothing to change
    assert b"PK\x03\x04" not in staff.get(url).content
    assert staff.post(url, {"status": "failed"}).status_code == 403


def test_staff_cannot_add_or_delete_exports(staff, export):
    add = reverse("admin:exports_accountexport_add")
    delete = reverse("admin:exports_accountexport_delete", args=[export.pk])

    assert staff.get(add).status_code == 403
    assert staff.get(delete).status_code == 403


def test_kept_originals_show_their_size_not_their_content(staff, export):
    original = OriginalActivityFile.objects.get()
    url = reverse("admin:exports_originalactivityfile_change", args=[original.pk])

    page = staff.get(url).content.decode()

    assert str(original.size_bytes) in page
    assert original.file.name not in page
