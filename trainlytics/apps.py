from django.apps import AppConfig


class TrainlyticsConfig(AppConfig):
    name = "trainlytics"
    verbose_name = "Trainlytics"
