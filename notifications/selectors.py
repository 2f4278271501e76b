"""Reads of the notifications: always the user's own."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Notification

# What the inbox and the API show; the delivery columns (and the encrypted number, which
# would be decrypted row by row) stay in the database.
INBOX_FIELDS = ("pk", "kind", "title", "body", "case_number", "url", "created_at", "read_at")


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (served by the `notification_inbox` index)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=user)
        .only(*INBOX_FIELDS, "recipient_id")
        .order_by("-created_at", "-pk")
    )


def notification_of(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; `Notification.DoesNotExist` for anyone else's."""
    return notification_list(user=user).get(pk=pk)


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (the `notification_unread` index)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
