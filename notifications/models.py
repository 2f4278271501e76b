"""In-app notifications (提醒) and their delivery by email and SMS.

A row is written in the same transaction as the event that causes it; email and SMS go out
afterwards from a Celery task, which records its attempts on the row, so an outage delays a
message but never loses it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to your unit")
    FORWARDED = "forwarded", _("Forwarded to your unit")
    APPROVAL = "approval", _("Awaiting your approval")
    DECIDED = "decided", _("Leader's decision")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Long overdue: escalated")
    SUPERVISION = "supervision", _("Supervision notice")
    JOINT_SUPERVISION = "joint_supervision", _("Joint supervision")
    CONSULTATION = "consultation", _("Consultation")
    RANKING = "ranking", _("Monthly ranking")
    RECEPTION = "reception", _("Leader reception")
    DEADLINE_MOVED = "deadline_moved", _("Time limit moved")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


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
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
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
