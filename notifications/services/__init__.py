"""Writing notifications and delivering them.

`notify` writes the rows inside the caller's transaction and queues delivery for after the
commit; `notification_deliver` (run by the Celery task) sends what is outstanding, each
channel through a `DeliveryAttempt` claimed before the send, so that nothing is ever sent
twice. A broker or gateway outage leaves rows pending; the sweeper queues them again, and
marks "unknown" the attempts whose outcome was never recorded.
"""

from .delivery import (
    DeliveryFailed,
    attempts_mark_unknown,
    notification_confirm_sent,
    notification_deliver,
    notification_resend,
    notify_phone_secret,
    pending_requeue,
)
from .inbox import notification_mark_read, notifications_mark_all_read
from .sending import build_notifications, enqueue_delivery, notify, notify_phone, save_notifications

__all__ = [
    "DeliveryFailed",
    "attempts_mark_unknown",
    "build_notifications",
    "enqueue_delivery",
    "notification_confirm_sent",
    "notification_deliver",
    "notification_mark_read",
    "notification_resend",
    "notifications_mark_all_read",
    "notify",
    "notify_phone",
    "notify_phone_secret",
    "pending_requeue",
    "save_notifications",
]
