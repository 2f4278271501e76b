"""Major and urgent matters (重大、紧急信访事项, Art. 25): information reports and their
recipients."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Case

# --- major and urgent matters (重大、紧急信访事项, Art. 25) --------------------------------------


class Gravity(models.TextChoices):
    MAJOR = "major", _("Major (重大)")
    URGENT = "urgent", _("Urgent (紧急)")


class UrgentStatus(models.TextChoices):
    DRAFT = "draft", _("To be reported")
    ISSUED = "issued", _("Reported, awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class UrgentReport(models.Model):
    """信访信息专报: a major or urgent matter reported at once to the government of its level
    and the petition office one level up (Art. 25). Flagging starts the reporting clock (in
    hours); sending it starts the recipients' acknowledgement clock; follow-up reports (续报)
    are rows of its history."""

    number = models.CharField(_("report number"), max_length=160, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    gravity = models.CharField(_("gravity"), max_length=10, choices=Gravity.choices)
    reason = models.TextField(_("why it is major or urgent"))
    content = models.TextField(_("report text"), blank=True)
    reporting_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    flagged_at = models.DateTimeField(_("flagged at"))
    report_due_at = models.DateTimeField(_("information report due"))
    issued_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    status = models.CharField(
        _("state"), max_length=20, choices=UrgentStatus.choices, default=UrgentStatus.DRAFT
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        ordering = ["-flagged_at", "-pk"]
        indexes = [
            models.Index(fields=["flagged_at"], name="urgent_flagged_at"),
            models.Index(
                fields=["report_due_at"],
                condition=Q(status="draft"),
                name="urgent_draft_due",
            ),
            models.Index(
                fields=["ack_due_at"],
                condition=Q(status="issued"),
                name="urgent_ack_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def reported_late(self) -> bool:
        return self.issued_at is not None and self.issued_at > self.report_due_at

    def is_late(self, now: datetime.datetime) -> bool:
        """Sent after its reporting clock or still unsent past it; acknowledged after its
        acknowledgement clock or still not past it (its recipients prefetched for a list).
        The same rule as a query: `ledgers.urgent.filters.late_condition`."""
        if self.status == UrgentStatus.DRAFT:
            return self.report_due_at < now
        if self.reported_late:
            return True
        due = self.ack_due_at
        return due is not None and any(
            (recipient.acknowledged_at or now) > due for recipient in self.recipients.all()
        )


class UrgentRecipient(models.Model):
    """A unit the report goes to, and its acknowledgement (签收)."""

    report = models.ForeignKey(
        UrgentReport,
        verbose_name=_("information report"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        constraints = [
            models.UniqueConstraint(fields=["report", "unit"], name="urgent_recipient_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.unit_id}"
