import logging

from celery import shared_task

from .services import records_purge

logger = logging.getLogger(__name__)


@shared_task(time_limit=300)
def purge_idempotency_records() -> int:
    """Beat: delete the stored answers older than IDEMPOTENCY_TTL_HOURS."""
    deleted = records_purge()
    logger.info("idempotency records purged: %s", deleted)
    return deleted
