from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Training analytics"

    def ready(self):
        # Connect the signal handlers: training loads, and streams to fetch.
        from sync import display

        from . import receivers, units  # noqa: F401

        # Declares the stored sentences pages translate (trainlytics.stored_text).
        from .streams import fetching  # noqa: F401
        from .streams import receivers as stream_receivers  # noqa: F401

        # Every app's pages read the athlete's units through sync.display; the
        # setting is ours (units.py also connects the handlers that keep it fresh).
        display.register_units_lookup(units.lookup)
