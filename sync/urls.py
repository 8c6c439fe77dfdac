from django.urls import path

from . import views

app_name = "sync"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("activities/<int:activity_id>/split/", views.split, name="activity-split"),
    path("activities/<int:activity_id>/merge/", views.merge, name="activity-merge"),
    path("connections/<int:connection_id>/history/", views.history, name="history"),
    path("connections/<int:connection_id>/toggle/", views.toggle, name="toggle"),
    path("connections/<int:connection_id>/sync/", views.sync_now, name="sync-now"),
    path(
        "connections/<int:connection_id>/status/",
        views.card_status,
        name="card-status",
    ),
]
