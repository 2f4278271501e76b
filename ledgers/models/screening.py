"""Dispute screening and resolution (矛盾纠纷排查化解): rounds, units' reports, disputes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from petitions.models import Petition

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
