import pytest
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.tests.test_dashboard import make_activity


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_detail_shows_normalised_fields_and_collapsed_raw_payload(logged_in, user):
    connection = make_connection(user, "polar")
    activity = make_activity(
        user,
        connection,
        name="Tempo",
        avg_hr_bpm=151.4,
        elevation_gain_m=120.0,
        activity_data={"sport": "RUNNING", "id": "abc"},
    )
    html = logged_in.get(reverse("sync:activity", args=[activity.pk])).content.decode()
    assert "<h1>Tempo</h1>" in html
    assert "151 bpm" in html
    assert "120 m" in html
    assert "<details>" in html
    assert "&quot;sport&quot;: &quot;RUNNING&quot;" in html


def test_detail_of_someone_elses_activity_is_not_found(logged_in, other_user):
    connection = make_connection(other_user, "polar")
    activity = make_activity(other_user, connection)
    response = logged_in.get(reverse("sync:activity", args=[activity.pk]))
    assert response.status_code == 404


def test_detail_requires_login(client, user):
    activity = make_activity(user, make_connection(user, "polar"))
    response = client.get(reverse("sync:activity", args=[activity.pk]))
    assert response.status_code == 302
