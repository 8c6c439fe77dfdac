from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Provider connections"

    def ready(self):
        # checks registers the system checks; the others declare the sentences
        # workers store in English (trainlytics.stored_text), imported in every
        # process so that pages can translate them.
        from . import checks, connect, tokens, workouts  # noqa: F401
        from .backends import base, coros  # noqa: F401
