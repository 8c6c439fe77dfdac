from django.urls import path

from . import views, views_streams

app_name = "analytics"

urlpatterns = [
    path("", views.analytics, name="analytics"),
    path("settings/", views.settings_page, name="settings"),
    path(
        "streams/<int:activity_id>/block/",
        views_streams.streams_block,
        name="streams-block",
    ),
]
