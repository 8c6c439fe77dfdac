from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Training analytics"

    def ready(self):
        # Connect the signal handlers: training loads, and streams to fetch.
        from . import receivers  # noqa: F401
        from .streams import receivers as stream_receivers  # noqa: F401
