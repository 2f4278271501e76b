"""Recompute open clocks on the work calendar as it stands (after an upgrade that changed how
the calendar counts, e.g. the provisional holidays of years chinese-calendar does not know)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from accounts.calendar.services import days_of_year
from cases.services.clocks import deadlines_recompute, depends_on_days


class Command(BaseCommand):
    help = (
        "Recompute the due dates of the open clocks that have a rule, on the work calendar as "
        "it stands; a clock that moves gets an event on its case and its units are told. "
        "Running it again changes nothing. Clocks set by hand and met clocks never change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            help="Only the clocks depending on this year (repeatable; default: all).",
        )

    def handle(self, *args, **options):
        clocks = None
        if options["year"]:
            clocks = depends_on_days(day for year in options["year"] for day in days_of_year(year))
        with translation.override(settings.LANGUAGE_CODE):
            moved = deadlines_recompute(actor=None, on=timezone.localdate(), clocks=clocks)
        self.stdout.write(f"time limits moved: {moved}")
