"""Notification rows for inbox tests, written directly (delivery is not what these test)."""

import datetime

from django.utils import timezone

from escalation.kinds import EscalationNotificationKind
from notifications.models import DeliveryStatus, Notification


def make_notifications(user, count: int = 1, *, start=None, **fields) -> list[Notification]:
    """`count` in-app notifications for `user`, one minute apart, the last one newest."""
    start = start or timezone.now() - datetime.timedelta(minutes=count)
    defaults = {
        "kind": EscalationNotificationKind.DUE_SOON,
        "title": "办理时限即将到期",
        "body": "请在到期前办结。",
        "case_number": "JZXFJ-2026-000001",
        "url": "/cases/JZXFJ-2026-000001/",
        "status": DeliveryStatus.SENT,
    }
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            created_at=start + datetime.timedelta(minutes=i),
            **{**defaults, **fields},
        )
        for i in range(count)
    )
