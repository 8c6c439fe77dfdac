from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("strava/", views.strava, name="strava"),
    path("garmin/", views.garmin, name="garmin"),
    path("polar/", views.polar, name="polar"),
    path("coros/", views.coros, name="coros"),
    path("wahoo/", views.wahoo, name="wahoo"),
    path("fitbit/", views.fitbit, name="fitbit"),
    path("rejections/", views.rejections, name="rejections"),
]
