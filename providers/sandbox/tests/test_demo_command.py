"""manage.py sandbox_demo: the demo athlete a newcomer logs in with."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from .helpers import call


@pytest.fixture(autouse=True)
def sandbox_on(settings):
    settings.PROVIDER_SANDBOX = True


@pytest.mark.django_db
def test_it_refuses_to_run_without_the_sandbox(settings):
    settings.PROVIDER_SANDBOX = False
    with pytest.raises(CommandError, match="PROVIDER_SANDBOX"):
        call("sandbox_demo")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_it_creates_the_demo_athlete_and_prints_the_login():
    output = call("sandbox_demo")
    user = get_user_model().objects.get(email="demo@trainlytics.test")
    assert user.check_password("trainlytics-demo")
    assert "demo@trainlytics.test" in output
    assert "trainlytics-demo" in output


@pytest.mark.django_db
def test_running_it_again_keeps_one_user_and_restores_the_password():
    call("sandbox_demo")
    user = get_user_model().objects.get(email="demo@trainlytics.test")
    user.set_password("changed-while-trying")
    user.save()
    call("sandbox_demo")
    users = get_user_model().objects.filter(email="demo@trainlytics.test")
    assert users.count() == 1
    assert users.get().check_password("trainlytics-demo")
