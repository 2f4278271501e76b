"""What every ledger shares: its history (`LedgerEvent`) and its reminders' claims
(`LedgerReminder`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ledger(models.TextChoices):
    SCREENING_REPORT = "screening_report", _("Screening report")
    DISPUTE = "dispute", _("Dispute")
    URGENT_REPORT = "urgent_report", _("Information report")
    BACKLOG = "backlog", _("Backlog case")
    TARGET = "target", _("Annual target")
    ASSESSMENT = "assessment", _("Assessment weights")
    SUGGESTION = "suggestion", _("People's suggestion")


class LedgerEventKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("Round opened")
    REPORTED = "reported", _("Report submitted")
    REGISTERED = "registered", _("Dispute registered")
    PROGRESS = "progress", _("Progress recorded")
    CONTAINED = "contained", _("Contained, pending")
    RESOLVED = "resolved", _("Resolved")
    CONVERTED = "converted", _("Registered as a petition")
    REPORTED_UP = "reported_up", _("Reported to the level above")
    # The major and urgent matters' (重大紧急信访事项).
    FLAGGED = "flagged", _("Flagged major or urgent")
    ISSUED = "issued", _("Information report sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOW_UP = "follow_up", _("Follow-up report")
    # The backlog ledger's (积案台账); progress and resolved as above.
    PLACED = "placed", _("Put on the backlog ledger")
    SPONSOR_NAMED = "sponsor_named", _("Sponsoring leader named")
    EXTENDED = "extended", _("Time limit extended")
    STOPPED = "stopped", _("Petitioner stopped (息访息诉)")
    TERMINATED = "terminated", _("Terminated by law (依法终结)")
    # The people's suggestions' (人民建议征集): the suggester commended or rewarded.
    COMMENDED = "commended", _("Commended")
    # An urgent report not acknowledged in time; a backlog case long overdue.
    ESCALATED = "escalated", _("Escalated")
    # The annual targets and the assessment's weights.
    TARGET_SET = "target_set", _("Targets set")
    WEIGHTS_SET = "weights_set", _("Weights set")


class LedgerEvent(models.Model):
    """One thing done to a ledger's row (append-only): who, when, what, and the state it left."""

    ledger = models.CharField(_("ledger"), max_length=20, choices=Ledger.choices)
    object_id = models.BigIntegerField(_("row"))
    kind = models.CharField(_("event"), max_length=30, choices=LedgerEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    status = models.CharField(_("state after"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        indexes = [models.Index(fields=["ledger", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.ledger} {self.object_id} {self.kind}"


class LedgerReminder(models.Model):
    """That the deadline scan has reminded a ledger's row at a stage for a due date: the
    unique key is the claim, so a second scan never reminds again."""

    ledger = models.CharField(_("ledger"), max_length=20, choices=Ledger.choices)
    object_id = models.BigIntegerField(_("row"))
    stage = models.CharField(_("stage"), max_length=10)
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger reminder")
        verbose_name_plural = _("ledger reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "object_id", "stage", "due_on"],
                name="ledger_reminder_once_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ledger} {self.object_id} {self.stage} {self.due_on}"
