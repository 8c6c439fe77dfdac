from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import account_views, pages, views
from .api import api
from .ops import views as ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("metrics", ops_views.prometheus_metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # set_language (the footer's switcher); URLs themselves carry no language.
    path("i18n/", include("django.conf.urls.i18n")),
    # Ours first: they replace Django's login view and add sign-up.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("privacy/", pages.privacy, name="privacy"),
    # These end the user's other sessions, or build links on SITE_URL.
    path(
        "accounts/password_change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", api.urls),
    path("providers/", include("providers.urls")),
    path("webhooks/", include("sync.webhooks.urls")),
    path("calendar/", include("planning.urls")),
    path("analytics/", include("analytics.urls")),
    path("account/", account_views.account, name="account"),
    path("account/email/", account_views.change_email, name="account_email"),
    path(
        "account/email/confirm/<str:token>/",
        account_views.confirm_email,
        name="account_email_confirm",
    ),
    path(
        "account/sessions/end-others/",
        account_views.end_other_sessions,
        name="account_end_other_sessions",
    ),
    path("account/export/", include("exports.urls")),
    path("account/", include("accounts.urls")),
]
if settings.PROVIDER_SANDBOX:
    # The fake providers are public by design, so they exist only when asked for.
    urlpatterns.append(path("sandbox/", include("providers.sandbox.urls")))
urlpatterns.append(path("", include("sync.urls")))
