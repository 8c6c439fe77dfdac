from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views
from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: they replace Django's login view and add sign-up.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", api.urls),
    path("providers/", include("providers.urls")),
    path("webhooks/", include("sync.webhooks.urls")),
    path("calendar/", include("planning.urls")),
    path("analytics/", include("analytics.urls")),
]
if settings.PROVIDER_SANDBOX:
    # The fake providers are public by design, so they exist only when asked for.
    urlpatterns.append(path("sandbox/", include("providers.sandbox.urls")))
urlpatterns.append(path("", include("sync.urls")))
