"""The project's URLs plus the sandbox, as trainlytics/urls.py has them when
PROVIDER_SANDBOX is on."""

from django.urls import include, path

from trainlytics.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("sandbox/", include("providers.sandbox.urls")),
    *project_urlpatterns,
]
