from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Data exports"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal handlers
