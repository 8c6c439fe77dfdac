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
    stream_views,
    views,
    wahoo,
    wahoo_plans,
)

urlpatterns = [
    path("", views.control, name="sandbox-control"),
    path("strava/", include(strava.urlpatterns)),
    path("strava/", include(stream_views.strava_urlpatterns)),
    path("garmin/", include(stream_views.garmin_urlpatterns)),
    path("polar/", include(stream_views.polar_urlpatterns)),
    path("coros/", include(stream_views.coros_urlpatterns)),
    path("wahoo/", include(stream_views.wahoo_urlpatterns)),
    path("fitbit/", include(stream_views.fitbit_urlpatterns)),
    path("garmin/", include(garmin.urlpatterns)),
    path("garmin/", include(garmin_training.urlpatterns)),
    path("polar/", include(polar.urlpatterns)),
    path("coros/", include(coros.urlpatterns)),
    # Before wahoo.py's: its GET-only v1/workouts also takes planned workouts (POST).
    path("wahoo/", include(wahoo_plans.urlpatterns)),
    path("wahoo/", include(wahoo.urlpatterns)),
    path("fitbit/", include(fitbit.urlpatterns)),
]
