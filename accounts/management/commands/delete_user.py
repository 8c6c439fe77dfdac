"""`manage.py delete_user EMAIL`: what the athlete's own deletion page does."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import deletion


class Command(BaseCommand):
    help = (
        "Delete an account and all its data; its provider grants are revoked "
        "afterwards (and retried until they are)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, email, interactive=True, **options):
        try:
            user = deletion.find_user(email)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account with the email {email}.") from None
        if interactive and not self._confirmed(user):
            raise CommandError("Nothing deleted.")
        pending = deletion.delete_account(user)
        self.stdout.write(
            f"Deleted {email}; {len(pending)} provider grant(s) queued for revocation."
        )

    def _confirmed(self, user):
        summary = deletion.summary(user)
        providers = ", ".join(summary["providers"]) or "none"
        self.stdout.write(
            f"{user.email}: {summary['activity_count']} activities, "
            f"{summary['workout_count']} planned workouts, providers: {providers}."
        )
        answer = input("Type 'yes' to delete this account and all its data: ")
        return answer.strip().lower() == "yes"
