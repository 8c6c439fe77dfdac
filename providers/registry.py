"""The explicit list of provider backends: slug -> backend class.

Adding a provider is a backend module, one line here and one `Provider` member.
"""

from functools import cache

from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Provider

BACKENDS = {
    Provider.STRAVA: "providers.backends.strava.StravaBackend",
    Provider.GARMIN: "providers.backends.garmin.GarminBackend",
    Provider.POLAR: "providers.backends.polar.PolarBackend",
    Provider.COROS: "providers.backends.coros.CorosBackend",
    Provider.WAHOO: "providers.backends.wahoo.WahooBackend",
    Provider.FITBIT: "providers.backends.fitbit.FitbitBackend",
}


@cache
def backend_class(slug):
    return import_string(BACKENDS[slug])


def get_backend(slug):
    """A backend instance for `slug`, reading current settings; KeyError if unknown."""
    return backend_class(Provider(slug))()


def get_backend_or_404(slug):
    try:
        return get_backend(slug)
    except (KeyError, ValueError):
        raise Http404(_("No such provider.")) from None


def all_backends():
    return [get_backend(slug) for slug in BACKENDS]


def enabled_backends():
    """Backends with client credentials; the others show as "not configured"."""
    return [backend for backend in all_backends() if backend.is_configured]
