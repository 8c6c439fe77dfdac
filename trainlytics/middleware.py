"""Response headers Django has no setting for."""

from django.conf import settings


def permissions_policy():
    """`camera=(), geolocation=(), …`: each feature in PERMISSIONS_POLICY denied to
    this page and every frame in it."""
    return ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", permissions_policy())
        return response
