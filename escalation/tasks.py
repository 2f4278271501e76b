from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(acks_late=True)
def scan_deadlines() -> dict:
    """Beat, every 10 minutes: remind every open clock near or past its due date, once per
    clock and stage (safe to run twice at once, or again by hand)."""
    with translation.override(settings.LANGUAGE_CODE):
        return vars(services.deadlines_scan())
