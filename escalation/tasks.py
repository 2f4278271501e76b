from celery import shared_task
from django.conf import settings
from django.utils import translation

from .deadlines.services import deadlines_scan
from .ranking.services import last_month, parse_month, units_rank


# A first scan over a large backlog may run long: each batch commits on its own, so a scan cut
# off by the time limit has kept what it did and the next one carries on.
@shared_task(acks_late=True, soft_time_limit=570, time_limit=600)
def scan_deadlines() -> dict:
    """Beat, every 10 minutes: remind every open clock near or past its due date, once per
    clock and stage (safe to run twice at once, or again by hand)."""
    with translation.override(settings.LANGUAGE_CODE):
        return vars(deadlines_scan())


@shared_task(acks_late=True)
def rank_units(month: str | None = None) -> dict:
    """Beat, on the 1st at 01:30: rank the units for the month before (`month` "YYYY-MM" to
    rank another). Running it again for a month gives the same rows and no second notice."""
    with translation.override(settings.LANGUAGE_CODE):
        first_day = parse_month(month) if month else last_month()
        return units_rank(month=first_day).summary()
