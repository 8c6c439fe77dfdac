from django.apps import AppConfig


class TrainlyticsConfig(AppConfig):
    name = "trainlytics"
    verbose_name = "Trainlytics"

    def ready(self):
        from . import sessions  # noqa: F401  (connects the login/logout receivers)
