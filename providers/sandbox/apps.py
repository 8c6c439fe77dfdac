from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "providers.sandbox"
    label = "sandbox"
    verbose_name = "Provider sandbox"

    def ready(self):
        from . import checks  # noqa: F401 — registers the system checks
