"""Create or delete Polar's one webhook (providers.md §4.7)."""

from django.core.management.base import BaseCommand, CommandError

from providers.errors import ProviderError
from sync.webhooks import subscriptions


class Command(BaseCommand):
    help = "create | delete Polar's webhook; create stores its signing secret."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "delete"])
        parser.add_argument("--id", help="webhook id to delete (default: ours)")

    def handle(self, *args, action, id, **options):
        try:
            if action == "create":
                hook = subscriptions.polar_create()
                self.stdout.write(
                    f"created: id {hook.external_id} → {hook.callback_url}"
                )
            else:
                gone = subscriptions.polar_delete(id)
                self.stdout.write(f"deleted: id {gone}")
        except ProviderError as exc:
            raise CommandError(str(exc)) from None
