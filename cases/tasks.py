from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


# A first run over a large backlog of lapsed windows may run long: each batch commits on its
# own, so a run cut off by the time limit has kept what it did and the next one carries on.
@shared_task(acks_late=True, soft_time_limit=570, time_limit=600)
def close_lapsed_cases() -> dict:
    """Beat, with the deadline scan: close the cases whose review or re-review request window
    has lapsed unused, each dated on the window's last day (safe to run twice at once, or
    again by hand)."""
    with translation.override(settings.LANGUAGE_CODE):
        return vars(services.cases_close_lapsed())
