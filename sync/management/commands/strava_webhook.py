"""Manage Strava's one app-level push subscription (providers.md §2.7)."""

from django.core.management.base import BaseCommand, CommandError

from providers.errors import ProviderError
from sync.webhooks import subscriptions


class Command(BaseCommand):
    help = "subscribe | list | unsubscribe Strava's push subscription."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["subscribe", "list", "unsubscribe"])
        parser.add_argument("--id", help="subscription id to delete (default: ours)")

    def handle(self, *args, action, id, **options):
        try:
            if action == "subscribe":
                sub = subscriptions.strava_subscribe()
                self.stdout.write(
                    f"subscribed: id {sub.external_id} → {sub.callback_url}"
                )
            elif action == "list":
                for sub in subscriptions.strava_subscriptions():
                    self.stdout.write(f"{sub.get('id')} {sub.get('callback_url')}")
            else:
                gone = subscriptions.strava_unsubscribe(id)
                self.stdout.write(f"unsubscribed: id {gone}")
        except ProviderError as exc:
            raise CommandError(str(exc)) from None
