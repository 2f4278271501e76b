from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(services.DeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=8,
)
def deliver_notification(notification_id: int) -> None:
    """Send one notification's email and SMS; quiet if the row is gone or already sent."""
    services.notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True)
def requeue_pending_notifications() -> dict[str, int]:
    """Beat, every minute: mark unknown the delivery attempts left in flight too long, then
    queue again what a broker outage left pending. Returns what it did."""
    return {
        "unknown": services.attempts_mark_unknown(),
        "requeued": services.pending_requeue(),
    }
