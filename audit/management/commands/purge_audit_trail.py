from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import purge_expired


class Command(BaseCommand):
    help = "Delete the audit entries older than AUDIT_RETENTION_DAYS (the only deletion)."

    def handle(self, *args, **options) -> None:
        deleted = purge_expired()
        self.stdout.write(
            f"{deleted} audit entries older than {settings.AUDIT_RETENTION_DAYS} days deleted."
        )
