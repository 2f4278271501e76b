import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Periodic no-op that shows worker and beat are alive."""
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now


@shared_task
def purge_expired_api_tokens() -> int:
    """Hourly: API tokens past their expiry leave the database."""
    from .tokens.services import api_tokens_purge_expired

    return api_tokens_purge_expired()
