"""Every sandbox endpoint, under /sandbox/<slug>/ as settings.PROVIDER_SANDBOX_PATHS
says. Mounted by trainlytics/urls.py only when settings.PROVIDER_SANDBOX is on."""

from django.urls import include, path

from . import (
    coros,
    fitbit,
    garmin,
    garmin_training,
    polar,
    strava,
    views,
    wahoo,
    wahoo_plans,
)

urlpatterns = [
    path("", views.control, name="sandbox-control"),
    path("strava/", include(strava.urlpatterns)),
    path("garmin/", include(garmin.urlpatterns)),
    path("garmin/", include(garmin_training.urlpatterns)),
    path("polar/", include(polar.urlpatterns)),
    path("coros/", include(coros.urlpatterns)),
    # Before wahoo.py's: its GET-only v1/workouts also takes planned workouts (POST).
    path("wahoo/", include(wahoo_plans.urlpatterns)),
    path("wahoo/", include(wahoo.urlpatterns)),
    path("fitbit/", include(fitbit.urlpatterns)),
]
