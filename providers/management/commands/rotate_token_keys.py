from django.core.management.base import BaseCommand

from providers.keys import rotate_token_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider token under the first key in "
        "TOKEN_ENCRYPTION_KEYS. Keep the old key listed after it until this finishes. "
        "Safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        def progress(report):
            self.stdout.write(
                f"rotated {report.rotated}, already current {report.current}, "
                f"undecryptable {len(report.undecryptable)}"
            )

        report = rotate_token_keys(batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.rotated} connections re-encrypted, "
                f"{report.current} already under the first key."
            )
        )
        for pk in report.undecryptable:
            self.stderr.write(
                f"connection id={pk}: no configured key decrypts its tokens"
            )
