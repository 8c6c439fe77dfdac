"""The NinjaAPI instance; each app adds its routers in `<app>/api.py`.

Session authentication (`django_auth`) also enforces CSRF on unsafe methods.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Trainlytics API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
)
