"""/account/export/: the page, its live progress, and the download link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import AccountExport, ExportStatus

from .helpers import build, zip_of

pytestmark = pytest.mark.django_db

INDEX = "/account/export/"


@pytest.fixture
def ready(user, django_capture_on_commit_callbacks):
    return build(user, django_capture_on_commit_callbacks)


def at(monkeypatch, moment):
    """Every timezone.now() answers `moment` from here on."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_page_needs_a_login(client):
    response = client.get(INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_offers_to_prepare_an_export(client, user):
    client.force_login(user)

    response = client.get(reverse("exports:index"))

    assert response.status_code == 200
    assert b"Prepare my export" in response.content
    assert b"<script" not in response.content.split(b"</head>")[1]


def test_preparing_builds_the_export_and_comes_back_to_the_page(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INDEX)

    assert response.status_code == 302 and response.url == INDEX
    export = AccountExport.objects.get(user=user)
    assert export.status == ExportStatus.READY
    page = client.get(INDEX).content.decode()
    assert reverse("exports:download", args=[export.pk]) in page


def test_preparing_twice_while_one_waits_makes_one_export(client, user):
    client.force_login(user)

    client.post(INDEX)
    response = client.post(INDEX, follow=True)

    assert AccountExport.objects.filter(user=user).count() == 1
    assert b"already being prepared" in response.content


def test_an_export_being_prepared_polls_its_own_progress(client, user):
    export = AccountExport.objects.create(
        user=user, status=ExportStatus.RUNNING, progress=42, step="streams"
    )
    client.force_login(user)
    url = reverse("exports:progress", args=[export.pk])

    page = client.get(INDEX).content.decode()
    row = client.get(url).content.decode()

    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 2s"' in row
    assert 'value="42"' in row
    assert "Routes and detailed data · 42 %" in row
    assert "disabled" in page  # the button, while one is prepared


def test_a_finished_export_stops_the_polling(client, user, ready):
    client.force_login(user)

    row = client.get(reverse("exports:progress", args=[ready.pk])).content.decode()

    assert "hx-trigger" not in row
    assert reverse("exports:download", args=[ready.pk]) in row


def test_the_poll_that_sees_the_export_finish_enables_the_button_again(
    client, user, ready
):
    client.force_login(user)
    url = reverse("exports:progress", args=[ready.pk])

    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    plain = client.get(url).content.decode()

    assert 'id="prepare-export" hx-swap-oob="true"' in polled
    assert "disabled" not in polled
    assert "hx-swap-oob" not in plain


def test_a_poll_while_running_leaves_the_button_alone(client, user):
    export = AccountExport.objects.create(user=user, status=ExportStatus.RUNNING)
    client.force_login(user)
    url = reverse("exports:progress", args=[export.pk])

    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "hx-swap-oob" not in polled


def test_the_owner_downloads_the_zip(client, user, ready):
    client.force_login(user)

    response = client.get(reverse("exports:download", args=[ready.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "profile.json" in zip_of(response).namelist()


def test_another_athlete_can_neither_download_nor_follow_it(client, other_user, ready):
    client.force_login(other_user)

    download = client.get(reverse("exports:download", args=[ready.pk]))
    progress = client.get(reverse("exports:progress", args=[ready.pk]))

    assert download.status_code == 404
    assert progress.status_code == 404
    assert str(ready.pk) not in client.get(INDEX).content.decode()


def test_download_link_works_until_a_day_has_passed(client, user, ready, monkeypatch):
    client.force_login(user)
    url = reverse("exports:download", args=[ready.pk])

    at(monkeypatch, ready.finished_at + timedelta(hours=23, minutes=59))
    assert client.get(url).status_code == 200

    at(monkeypatch, ready.finished_at + timedelta(hours=24))
    response = client.get(url)

    assert response.status_code == 410
    assert b"This export has expired" in response.content
    assert reverse("exports:download", args=[ready.pk]).encode() not in (
        client.get(INDEX).content
    )


def test_an_expired_and_deleted_export_is_gone(client, user, ready):
    AccountExport.objects.filter(pk=ready.pk).update(
        status=ExportStatus.EXPIRED, file=""
    )
    client.force_login(user)

    response = client.get(reverse("exports:download", args=[ready.pk]))

    assert response.status_code == 410


def test_an_export_not_ready_has_nothing_to_download(client, user):
    export = AccountExport.objects.create(user=user, status=ExportStatus.FAILED)
    client.force_login(user)

    response = client.get(reverse("exports:download", args=[export.pk]))

    assert response.status_code == 404
    assert b"This export failed" in client.get(INDEX).content
