"""System checks: the sandbox is for development and demos, never production."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_sandbox_debug(app_configs, **kwargs):
    if settings.PROVIDER_SANDBOX and not settings.DEBUG:
        return [
            Warning(
                "The provider sandbox is on while DEBUG is off.",
                hint="The sandbox fakes every provider; set PROVIDER_SANDBOX=false "
                "anywhere real athletes connect.",
                id="sandbox.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_sandbox_deploy(app_configs, **kwargs):
    if settings.PROVIDER_SANDBOX:
        return [
            Error(
                "The provider sandbox must not be deployed.",
                hint="Set PROVIDER_SANDBOX=false: with it on, connections go to the "
                "fake providers and /sandbox/ is public.",
                id="sandbox.E001",
            )
        ]
    return []
