from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from cases.services import cases_close_lapsed


class Command(BaseCommand):
    help = (
        "Close the cases whose review or re-review request window has lapsed unused, once, "
        "exactly as the beat job does."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            result = cases_close_lapsed()
        self.stdout.write(f"closed: {result.closed}, windows lapsed only: {result.lapsed_only}")
