from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Activities and syncing"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the providers signals
