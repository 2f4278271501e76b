from django.core.management.base import BaseCommand

from idempotency.services import records_purge


class Command(BaseCommand):
    help = "Delete the stored answers of idempotent API requests older than IDEMPOTENCY_TTL_HOURS."

    def handle(self, *args, **options) -> None:
        deleted = records_purge()
        self.stdout.write(f"{deleted} expired idempotency record(s) deleted.")
