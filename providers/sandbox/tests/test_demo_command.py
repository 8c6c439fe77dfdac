"""manage.py sandbox_demo: the demo athlete a newcomer logs in with."""

import pytest
from django.contrib.auth import get_user_model

from .helpers import call


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
