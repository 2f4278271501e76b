"""The backlog ledger (积案台账): a case put on it with its assignment sheet, and its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Case

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
