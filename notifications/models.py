"""In-app notifications (提醒) and their delivery by email and SMS.

A row is written in the same transaction as the event that causes it; email and SMS go out
afterwards from a Celery task, so an outage delays a message but never loses it. Each channel
is sent through `DeliveryAttempt` rows, each claimed (committed) before anything is sent, so
a message is never sent twice: an attempt whose outcome was never recorded becomes "unknown"
for an operator instead of being sent again.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

from .kinds import notification_kinds


class DeliveryStatus(models.TextChoices):
    """Where a notification's email and SMS stand, all channels together."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # A channel may or may not have gone out (the send was not recorded): an operator checks
    # with the gateway by the attempt's key, then resends or confirms it.
    UNKNOWN = "unknown", _("Outcome unknown")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class AttemptStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Refused before acceptance (the gateway or mail server said no, or could not be
    # reached): retried with backoff in a new attempt.
    FAILED = "failed", _("Failed")
    # No outcome recorded: the worker stopped or the database failed after the send, or the
    # gateway took the request but never answered. Never sent again by itself.
    UNKNOWN = "unknown", _("Outcome unknown")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text=_("Empty for a text message to someone without an account (a petitioner)."),
    )
    # A code registered by the app that writes it (`notifications.kinds`).
    kind = models.CharField(_("kind"), max_length=30, choices=notification_kinds)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # The case by its number: notifications sit below cases and do not import them.
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # Delivery beyond the inbox: the addresses as they were when the row was written.
    email_to = models.EmailField(_("email to"), blank=True)
    sms_to = EncryptedTextField(_("text message to"), blank=True)
    status = models.CharField(
        _("delivery status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "resend_notification",
                _("Can resend a notification whose delivery is unknown, or confirm it"),
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# An attempt that blocks another of the same channel: one in flight, one that went out, or one
# whose outcome is unknown and no operator has dealt with yet.
LIVE_ATTEMPT = Q(status__in=[AttemptStatus.SENDING, AttemptStatus.SENT]) | Q(
    status=AttemptStatus.UNKNOWN, resolved_at__isnull=True
)


class DeliveryAttempt(models.Model):
    """One try at sending one channel of a notification (投递尝试), written and committed before
    the send. The database lets only one live attempt per notification and channel exist, so
    two workers (or a worker and the sweeper) never both send it. `key` goes to the SMS
    gateway as the idempotency key and into the email's Message-ID."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.SENDING
    )
    # A UUID rather than the row id: ids start again at 1 on a new database, and a gateway
    # that still remembers an old key would drop a new message as its duplicate.
    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # An operator's decision on an unknown attempt: resent (the attempt stays unknown) or
    # confirmed as sent.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=LIVE_ATTEMPT,
                name="delivery_attempt_one_live",
            )
        ]
        indexes = [
            # The sweeper's search for attempts left in flight.
            models.Index(
                fields=["started_at"],
                condition=Q(status="sending"),
                name="delivery_attempt_in_flight",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.key}: {self.get_status_display()}"
