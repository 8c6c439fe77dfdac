import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, then serve the app with one background task worker beside it. "
        "Ctrl-C stops both. For development and demos (`make run`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a task worker."
        )

    def handle(self, *args, addrport, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if settings.PROVIDER_SANDBOX:
            call_command("sandbox_demo")  # creates the demo athlete, prints the login
        worker = None if no_worker else self._start_worker()
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _start_worker(self):
        self.stdout.write("Starting a task worker (manage.py db_worker)")
        manage = settings.BASE_DIR / "manage.py"
        # Same interpreter and environment: the worker sees the same settings.
        return subprocess.Popen([sys.executable, str(manage), "db_worker"])  # noqa: S603
