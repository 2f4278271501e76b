from celery import shared_task

from . import services


@shared_task
def purge_expired() -> int:
    """Delete the audit entries older than AUDIT_RETENTION_DAYS (daily, by beat)."""
    return services.purge_expired()
