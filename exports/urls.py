from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:export_id>/progress/", views.progress, name="progress"),
    path("<uuid:export_id>/download/", views.download, name="download"),
]
