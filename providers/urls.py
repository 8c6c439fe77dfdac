from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("<slug:slug>/connect/", views.connect, name="connect"),
    path("<slug:slug>/callback/", views.callback, name="callback"),
    path("<slug:slug>/disconnect/", views.disconnect, name="disconnect"),
]
