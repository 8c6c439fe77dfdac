from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Training calendar"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal handlers)
