"""The ledgers the petition offices run on, beside the cases: dispute screening and
resolution (矛盾纠纷排查化解), major and urgent matters (重大紧急信访事项) and the backlog
ledger (积案台账).

Every ledger keeps its history as `LedgerEvent` rows written in the same transaction as the
change, and its clocks as indexed `due_on` columns that the one deadline scan reads
(`escalation.deadlines.services.register_scan_step`), claiming each reminder once through
`LedgerReminder`'s unique key. They record disputes and the bodies' duties, never watch people.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Case
from petitions.models import Petition


class Ledger(models.TextChoices):
    SCREENING_REPORT = "screening_report", _("Screening report")
    DISPUTE = "dispute", _("Dispute")
    URGENT_REPORT = "urgent_report", _("Information report")
    BACKLOG = "backlog", _("Backlog case")


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
    # An urgent report not acknowledged in time; a backlog case long overdue.
    ESCALATED = "escalated", _("Escalated")


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


# --- dispute screening and resolution (矛盾纠纷排查化解) ---------------------------------------


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("Regular (monthly)")
    SPECIAL = "special", _("Special")


class ScreeningRound(models.Model):
    """A round of screening (排查): the units that must report by a date. A regular round is
    opened each month for each district (its meeting day a setting); a special round before a
    holiday or a major event by a supervisor."""

    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices)
    title = models.CharField(_("title"), max_length=100)
    organizing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    # The month of a regular round (its first day); empty for a special one.
    month = models.DateField(_("month"), null=True, blank=True)
    due_on = models.DateField(_("reports due"))
    instructions = models.TextField(_("instructions"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["-due_on", "-pk"]
        constraints = [
            # One regular round a month per organiser: the monthly opening can run twice.
            models.UniqueConstraint(
                fields=["organizing_unit", "month"],
                condition=Q(kind="regular"),
                name="screening_one_regular_round_a_month",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ScreeningReport(models.Model):
    """What one unit reports for a round: the disputes it found (`DisputeItem.report`) or
    that it found none (零报告). Pending until the unit submits it."""

    round = models.ForeignKey(
        ScreeningRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the round: the scan's index range and the late list read it here.
    due_on = models.DateField(_("due"))
    submitted_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nothing_found = models.BooleanField(_("nothing found (零报告)"), default=False)
    item_count = models.PositiveIntegerField(_("disputes reported"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("screening report")
        verbose_name_plural = _("screening reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="screening_report_once")
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(submitted_at__isnull=True),
                name="screening_report_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.unit_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def submitted_late(self) -> bool:
        return (
            self.submitted_at is not None
            and timezone.localtime(self.submitted_at).date() > self.due_on
        )


class DisputeKind(models.TextChoices):
    FAMILY = "family", _("Marriage and family")
    NEIGHBOURS = "neighbours", _("Neighbours")
    LAND = "land", _("Land, forest and water rights")
    EXPROPRIATION = "expropriation", _("Land taking and demolition")
    LABOUR = "labour", _("Labour and unpaid wages")
    PROPERTY = "property", _("Housing and property management")
    ENVIRONMENT = "environment", _("Environment")
    MEDICAL = "medical", _("Medical")
    CONTRACT = "contract", _("Contracts and debts")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较大)")
    MAJOR = "major", _("Major (重大)")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Being resolved")
    CONTAINED = "contained", _("Contained, pending (稳控)")
    RESOLVED = "resolved", _("Resolved (化解)")
    CONVERTED = "converted", _("Registered as a petition")
    REPORTED_UP = "reported_up", _("Reported to the level above")


# A dispute still on its clock; the others are ended.
ACTIVE_DISPUTE_STATUSES = frozenset({DisputeStatus.OPEN, DisputeStatus.CONTAINED})
DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.OPEN: frozenset(
        {
            DisputeStatus.CONTAINED,
            DisputeStatus.RESOLVED,
            DisputeStatus.CONVERTED,
            DisputeStatus.REPORTED_UP,
        }
    ),
    DisputeStatus.CONTAINED: frozenset(
        {DisputeStatus.RESOLVED, DisputeStatus.CONVERTED, DisputeStatus.REPORTED_UP}
    ),
    DisputeStatus.RESOLVED: frozenset(),
    DisputeStatus.CONVERTED: frozenset(),
    DisputeStatus.REPORTED_UP: frozenset(),
}


class ResolutionMethod(models.TextChoices):
    MEDIATION = "mediation", _("Mediation (调解)")
    NEGOTIATION = "negotiation", _("Negotiation (协商)")
    ADMINISTRATIVE = "administrative", _("Administrative decision (行政处理)")
    JUDICIAL = "judicial", _("Judicial channel (司法途径)")


class DisputeItem(models.Model):
    """A dispute found by screening (矛盾纠纷): what it is, how risky, who answers for its
    resolution by when (a clock the scan reminds), and how it ended."""

    number = models.CharField(_("ledger number"), max_length=160, unique=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("found by"), on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        ScreeningReport,
        verbose_name=_("screening report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    found_on = models.DateField(_("found on"))
    kind = models.CharField(_("kind of dispute"), max_length=20, choices=DisputeKind.choices)
    # [{"role": PartyRole, "name": "…"}]: the parties as the screening names them.
    parties = models.JSONField(_("parties"), default=list)
    place = models.CharField(_("place"), max_length=200)
    summary = models.TextField(_("summary"))
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("person responsible"), max_length=60)
    measures = models.TextField(_("measures"), blank=True)
    due_on = models.DateField(_("resolve by"))
    status = models.CharField(
        _("state"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    method = models.CharField(
        _("resolved by"), max_length=20, choices=ResolutionMethod.choices, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    # 转为信访事项: the petition registered from it through the intake.
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_to = models.ForeignKey(
        OrgUnit,
        verbose_name=_("reported to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-found_on", "-pk"]
        indexes = [
            models.Index(fields=["found_on"], name="dispute_found_on"),
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "contained"]),
                name="dispute_active_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DISPUTE_STATUSES


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


# --- the backlog ledger (积案台账) -------------------------------------------------------------


class BacklogStatus(models.TextChoices):
    OPEN = "open", _("Being resolved")
    RESOLVED = "resolved", _("Resolved (化解)")
    STOPPED = "stopped", _("Petitioner stopped (息访息诉)")
    TERMINATED = "terminated", _("Terminated by law (依法终结)")


# The outcomes that take a case off the ledger (销号); only `RESOLVED` counts as 化解.
BACKLOG_OUTCOMES = frozenset(
    {BacklogStatus.RESOLVED, BacklogStatus.STOPPED, BacklogStatus.TERMINATED}
)


class BacklogEntry(models.Model):
    """A case on the backlog ledger (积案台账), put there by a supervisor with an assignment
    sheet (交办单) that settles the four fixes and the sponsor (四定一包): the sponsoring leader
    (定领导, 包案领导), the responsible persons (定人员), the plan (定方案) and the time limit
    (定时限, a clock the deadline scan reminds, extended once at most), with the lead unit that
    works it. It stays open until its outcome is recorded (化解, 息访息诉 or 依法终结), whatever
    becomes of the case itself: a closed case may still be open here."""

    # The sheet's number (`…积〔2026〕n号`), in the placing unit's series.
    number = models.CharField(_("assignment sheet number"), max_length=160, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    placing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("put on by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_on = models.DateField(_("put on the ledger on"))
    placed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Whether the case met `cases.selectors.backlog_condition` that day; otherwise `reason`
    # says why it went on the ledger.
    candidate = models.BooleanField(_("backlog case by the rule"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    sponsoring_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsoring leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_persons = models.CharField(_("responsible persons"), max_length=200)
    plan = models.TextField(_("plan"))
    due_on = models.DateField(_("time limit"))
    # The time limit the sheet first set, and its one extension.
    original_due_on = models.DateField(_("first time limit"))
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status = models.CharField(
        _("state"), max_length=20, choices=BacklogStatus.choices, default=BacklogStatus.OPEN
    )
    ended_on = models.DateField(_("outcome on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_note = models.TextField(_("outcome"), blank=True)
    last_progress_on = models.DateField(_("latest progress report"), null=True, blank=True)

    class Meta:
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog ledger")
        ordering = ["-placed_on", "-pk"]
        constraints = [
            # On the ledger once while open: two supervisors at once put it on once.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="backlog_open_once"
            )
        ]
        indexes = [
            models.Index(fields=["placed_on"], name="backlog_placed_on"),
            models.Index(fields=["ended_on"], name="backlog_ended_on"),
            models.Index(fields=["due_on"], condition=Q(status="open"), name="backlog_open_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == BacklogStatus.OPEN

    @property
    def extended(self) -> bool:
        return self.extended_on is not None


class BacklogProgress(models.Model):
    """A progress report of the lead unit on a backlog case (one of the entry's events)."""

    entry = models.ForeignKey(
        BacklogEntry,
        verbose_name=_("backlog case"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("progress"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reported by unit"), on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("backlog progress report")
        verbose_name_plural = _("backlog progress reports")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.reported_on}"
