"""The athlete settings page and the rules it shares with the API."""

import pytest
from django.urls import reverse

from analytics import athlete
from analytics.models import AthleteSettings
from planning.tests.page_helpers import flashed, text

URL = "/analytics/settings/"
VALID = {
    "resting_hr_bpm": "52",
    "max_hr_bpm": "188",
    "ftp_w": "260",
    "threshold_pace": "4:35",
    "zone_1": "",
    "zone_2": "",
    "zone_3": "",
    "zone_4": "",
    "units": "imperial",
}


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def values(**changes):
    base = dict.fromkeys(athlete.FIELDS) | {"hr_zones": [], "units": "metric"}
    return base | changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resting_hr_bpm": 29}, "resting_hr_bpm"),
        ({"max_hr_bpm": 251}, "max_hr_bpm"),
        ({"resting_hr_bpm": 70, "max_hr_bpm": 70}, "max_hr_bpm"),
        ({"ftp_w": 29}, "ftp_w"),
        ({"ftp_w": 2001}, "ftp_w"),
        ({"threshold_pace_s_per_km": 60}, "threshold_pace_s_per_km"),
        ({"hr_zones": [120, 140, 130, 170]}, "hr_zones"),
        ({"hr_zones": [120, 140, 160]}, "hr_zones"),
        ({"max_hr_bpm": 180, "hr_zones": [120, 140, 160, 180]}, "hr_zones"),
        ({"units": "furlongs"}, "units"),
    ],
)
def test_settings_out_of_bounds_are_refused_naming_the_field(changes, field):
    with pytest.raises(athlete.SettingsInvalid) as refused:
        athlete.check(values(**changes))
    assert list(refused.value.errors) == [field]


def test_zones_must_end_below_the_estimated_max_hr_when_none_is_set():
    with pytest.raises(athlete.SettingsInvalid):
        athlete.check(values(hr_zones=[120, 140, 160, 195]), estimated_max_hr=190)
    athlete.check(values(hr_zones=[120, 140, 160, 185]), estimated_max_hr=190)


def test_the_page_shows_the_default_zones_from_max_hr(logged_in):
    response = logged_in.get(URL)
    assert response.status_code == 200
    # No max HR and no activities: 190 bpm, zones at 60, 70, 80 and 90 %.
    assert "zones end at 114, 133, 152, 171 bpm" in text(response.content.decode())


def test_saving_the_form_stores_the_settings(logged_in, user):
    response = logged_in.post(URL, VALID)
    assert response.status_code == 302
    assert flashed(response) == ["Settings saved."]
    saved = AthleteSettings.objects.get(user=user)
    assert (saved.resting_hr_bpm, saved.max_hr_bpm, saved.ftp_w) == (52, 188, 260)
    assert saved.threshold_pace_s_per_km == 275
    assert saved.units == "imperial"
    assert saved.hr_zones == []


def test_the_form_shows_the_saved_values(logged_in, user):
    athlete.update_settings(
        user.pk, threshold_pace_s_per_km=275, hr_zones=[110, 130, 150, 170]
    )
    page = logged_in.get(URL).content.decode()
    assert 'value="4:35"' in page
    assert 'name="zone_4" value="170"' in page


def test_four_zone_boundaries_are_saved_in_order(logged_in, user):
    zones = {"zone_1": "110", "zone_2": "130", "zone_3": "150", "zone_4": "170"}
    logged_in.post(URL, VALID | zones)
    assert AthleteSettings.objects.get(user=user).hr_zones == [110, 130, 150, 170]


def test_some_zones_but_not_all_are_refused(logged_in, user):
    response = logged_in.post(URL, VALID | {"zone_1": "110"})
    assert response.status_code == 200
    assert "Give all four zone boundaries" in response.content.decode()
    assert not AthleteSettings.objects.filter(user=user).exists()


def test_a_pace_that_is_not_minutes_and_seconds_is_refused(logged_in):
    response = logged_in.post(URL, VALID | {"threshold_pace": "fast"})
    assert "Write the pace as minutes:seconds" in response.content.decode()


def test_a_max_hr_under_the_resting_hr_is_refused_with_nothing_saved(logged_in, user):
    response = logged_in.post(URL, VALID | {"max_hr_bpm": "50"})
    assert response.status_code == 200
    assert "This must be above the resting heart rate." in text(
        response.content.decode()
    )
    assert not AthleteSettings.objects.filter(user=user).exists()


def test_the_settings_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_imperial_athlete_types_the_threshold_pace_per_mile(logged_in, user):
    athlete.update_settings(user.pk, units="imperial")
    page = logged_in.get(URL).content.decode()
    assert "Threshold pace (mm:ss per mi)" in page

    logged_in.post(URL, VALID | {"threshold_pace": "7:23"})

    saved = AthleteSettings.objects.get(user=user)
    assert saved.threshold_pace_s_per_km == 275  # 7:23 per mile is 4:35 per km
    assert 'value="7:23"' in logged_in.get(URL).content.decode()
