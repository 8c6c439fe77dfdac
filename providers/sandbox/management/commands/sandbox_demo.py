"""Create (idempotently) the demo athlete and print how to log in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

EMAIL = "demo@trainlytics.test"
PASSWORD = "trainlytics-demo"  # noqa: S105 — a published demo login, sandbox only


class Command(BaseCommand):
    help = "Create the demo athlete for the provider sandbox and print its login."

    def handle(self, *args, **options):
        if not settings.PROVIDER_SANDBOX:
            # A published password must never exist outside the sandbox.
            raise CommandError(
                "The demo athlete exists only with PROVIDER_SANDBOX=true."
            )
        users = get_user_model().objects
        user = users.filter(email=EMAIL).first()
        if user is None:
            users.create_user(email=EMAIL, password=PASSWORD)
            verb = "Created"
        else:
            # Someone may have changed it while trying things out; the printed
            # password must work.
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            verb = "Reset"
        self.stdout.write(f"{verb} the demo athlete. Log in with:")
        self.stdout.write(f"  email:    {EMAIL}")
        self.stdout.write(f"  password: {PASSWORD}")
