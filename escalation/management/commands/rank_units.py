from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from escalation.ranking.services import last_month, parse_month, units_rank


class Command(BaseCommand):
    help = (
        "Rank the responsible units for a month once, exactly as the beat job does (default: "
        "last month). Running it again for the same month sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to rank, as YYYY-MM (default: last month).")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                month = parse_month(options["month"]) if options["month"] else last_month()
                result = units_rank(month=month)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            summary = result.summary()
        self.stdout.write(
            f"month: {summary['month']}, ranked: {summary['ranked']}, "
            f"bottom three: {', '.join(summary['bottom']) or '-'}, "
            f"new notices: {', '.join(summary['notices']) or '-'}, "
            f"notifications: {summary['notifications']}"
        )
