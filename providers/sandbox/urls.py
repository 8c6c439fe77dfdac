"""Every sandbox endpoint, under /sandbox/<slug>/ as settings.PROVIDER_SANDBOX_PATHS
says. Mounted by trainlytics/urls.py only when settings.PROVIDER_SANDBOX is on."""

from django.urls import include, path

from . import coros, fitbit, garmin, polar, strava, views, wahoo

urlpatterns = [
    path("", views.control, name="sandbox-control"),
    path("strava/", include(strava.urlpatterns)),
    path("garmin/", include(garmin.urlpatterns)),
    path("polar/", include(polar.urlpatterns)),
    path("coros/", include(coros.urlpatterns)),
    path("wahoo/", include(wahoo.urlpatterns)),
    path("fitbit/", include(fitbit.urlpatterns)),
]
