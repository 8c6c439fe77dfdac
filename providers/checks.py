"""System checks on the provider endpoint settings, so a bad URL fails `manage.py check`
(and every start-up) instead of answering 500 when an athlete clicks Connect."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

from .transport import url_problem


def url_settings(slug):
    """(setting name, value) of every endpoint URL configured for `slug`."""
    conf = settings.PROVIDERS.get(slug, {})
    return [
        (f"{slug.upper()}_{name}", value)
        for name, value in conf.items()
        if name.endswith("_URL")
    ]


def _host(url):
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


@register(Tags.security)
def check_provider_url_transport(app_configs, **kwargs):
    """https everywhere; plain http only on loopback hosts while DEBUG is on."""
    errors = []
    for slug in settings.PROVIDERS:
        for name, value in url_settings(slug):
            problem = url_problem(value)
            if problem:
                errors.append(
                    Error(
                        f"{name}={value!r} {problem}.",
                        hint="Provider URLs must be https. Plain http is accepted "
                        "only for 127.0.0.0/8, ::1 and localhost with DEBUG=true.",
                        id="providers.E001",
                    )
                )
    return errors


@register(Tags.compatibility)
def check_provider_url_coherence(app_configs, **kwargs):
    """A provider's URLs all stay on its production hosts, or none does.

    An operator who points some of a provider's endpoints at another server (a
    staging or provider-compatible one) and forgets one would otherwise send that
    call, with real tokens, to production.
    """
    errors = []
    for slug, defaults in settings.PROVIDER_DEFAULT_URLS.items():
        production = {_host(url) for url in defaults.values()}
        urls = url_settings(slug)
        moved = [name for name, value in urls if _host(value) not in production]
        kept = [name for name, value in urls if _host(value) in production]
        if moved and kept:
            errors.append(
                Error(
                    f"{slug}'s endpoints are split across servers: "
                    f"{', '.join(moved)} moved off {', '.join(sorted(production))}, "
                    f"but {', '.join(kept)} still point there.",
                    hint=f"Set every {slug.upper()}_*_URL to the same deployment "
                    "(REFRESH_URL follows TOKEN_URL unless set).",
                    id="providers.E002",
                )
            )
    return errors
