from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Training calendar"

    def ready(self):
        # receivers connects the signal handlers; sending declares the stored
        # sentences pages translate (trainlytics.stored_text).
        from . import receivers, sending  # noqa: F401
