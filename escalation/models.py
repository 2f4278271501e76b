"""Escalation: what pushes hard cases to an end and keeps deadlines from slipping.

Every dated task here (a supervision notice's response, a joint supervision party's task, a
consultation task) runs on a `cases.Deadline` clock of its own, so the one reminder scan over
open clocks covers them with the case's own clocks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgKind, OrgUnit
from cases.models import Case, Deadline


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")


class Reminder(models.Model):
    """That the scan has reminded a clock at a stage. The unique key is the claim: a second
    scan (another beat, another worker, a rerun by hand) cannot remind the same clock at the
    same stage again. A due date moved by an extension starts a fresh round."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=10, choices=ReminderStage.choices)
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "due_on"], name="reminder_once_per_clock_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.stage} {self.due_on}"


# --- supervision notices (督办通知书 / 催办) ------------------------------------------------


class NoticeKind(models.TextChoices):
    SUPERVISE = "supervise", _("Supervision (督办)")
    URGE = "urge", _("Urging (催办)")


class SupervisionNotice(models.Model):
    """A notice to a unit to act on a case and answer in writing by a date (督办通知书)."""

    number = models.CharField(_("notice number"), max_length=160, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_notices")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.SUPERVISE
    )
    content = models.TextField(_("requirements"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("response due"))
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issued by unit"), on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    automatic = models.BooleanField(_("issued by the deadline scan"), default=False)
    # The long-overdue clock an automatic notice was issued for.
    source_deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The clock of the unit's written response.
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField(_("written response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "responded_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.responded_on is None


# --- four-level consultation (四级会诊) ------------------------------------------------------


class ConsultationLevel(models.IntegerChoices):
    DEPARTMENT = 1, _("Level 1: the department in its remit")
    DEPARTMENTS = 2, _("Level 2: departments under the hall's deputy director")
    DIRECTORS = 3, _("Level 3: hall directors' joint meeting with experts")
    CONFERENCE = 4, _("Level 4: district joint conference")


class Consultation(models.Model):
    """One level's consultation on a hard case. Each level is held at most once per case and
    is reached only by escalating the level below it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    level = models.PositiveSmallIntegerField(_("level"), choices=ConsultationLevel.choices)
    held_on = models.DateField(_("held on"))
    units = models.ManyToManyField(OrgUnit, verbose_name=_("units attending"), related_name="+")
    attendees = models.TextField(_("people attending"))
    experts = models.TextField(_("invited experts"), blank=True)
    analysis = models.TextField(_("analysis"))
    decision = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recording_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalation_reason = models.TextField(_("reason for escalating"), blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["case", "level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="consultation_level_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="consultation_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_level_display()}"


class ConsultationTask(models.Model):
    """A task the consultation gave a unit, with its deadline."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.TextField(_("task"))
    due_on = models.DateField(_("due"))
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation task")
        verbose_name_plural = _("consultation tasks")
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.task[:30]}"


# --- five-party joint supervision (五方联合督办) ----------------------------------------------


class PartyRole(models.TextChoices):
    TRACKING = "tracking", _("Tracking and supervising (跟踪督办)")
    BUSINESS = "business", _("Mediation and decision (调解裁决)")
    STABILITY = "stability", _("Timely stabilisation (适时稳控)")
    JUDICIAL = "judicial", _("Legal aid (法律援助)")
    DISCIPLINE = "discipline", _("Audit and investigation (审计查处)")


# The kind of unit each party must be.
PARTY_UNIT_KINDS: dict[str, str] = {
    PartyRole.TRACKING: OrgKind.PETITION_OFFICE,
    PartyRole.BUSINESS: OrgKind.BUSINESS,
    PartyRole.STABILITY: OrgKind.STABILITY,
    PartyRole.JUDICIAL: OrgKind.JUDICIAL,
    PartyRole.DISCIPLINE: OrgKind.DISCIPLINE,
}


class JointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class JointSupervision(models.Model):
    """One complex case supervised by five parties at once, each with its duty and deadline."""

    number = models.CharField(_("number"), max_length=160, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="joint_supervisions")
    summary = models.TextField(_("summary of the matter"))
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opening_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("opened by unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JointStatus.choices, default=JointStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint supervision")
        verbose_name_plural = _("joint supervisions")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="joint_supervision_one_open"
            )
        ]

    def __str__(self) -> str:
        return self.number


class JointParty(models.Model):
    supervision = models.ForeignKey(
        JointSupervision, on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("duty"), max_length=20, choices=PartyRole.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.TextField(_("task"))
    due_on = models.DateField(_("due"))
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint supervision party")
        verbose_name_plural = _("joint supervision parties")
        constraints = [
            models.UniqueConstraint(fields=["supervision", "role"], name="joint_party_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"


class JointReport(models.Model):
    """A party's progress report; `done` marks its task complete."""

    party = models.ForeignKey(JointParty, on_delete=models.CASCADE, related_name="reports")
    content = models.TextField(_("progress"))
    done = models.BooleanField(_("task complete"), default=False)
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint supervision report")
        verbose_name_plural = _("joint supervision reports")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.party}: {self.reported_on}"


# --- monthly unit ranking (通报) --------------------------------------------------------------


class UnitRanking(models.Model):
    """A responsible unit's figures and place for one month."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    handled = models.PositiveIntegerField(_("cases handled"))
    on_time = models.PositiveIntegerField(_("answered on time"))
    overdue = models.PositiveIntegerField(_("overdue"))
    evaluated = models.PositiveIntegerField(_("evaluated"))
    satisfied = models.PositiveIntegerField(_("satisfied or basically satisfied"))
    rank = models.PositiveIntegerField(_("rank"))
    in_bottom = models.BooleanField(_("in the bottom three"), default=False)
    bottom_streak = models.PositiveSmallIntegerField(
        _("months running in the bottom three"), default=0
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("unit ranking")
        verbose_name_plural = _("unit rankings")
        ordering = ["month", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="unit_ranking_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.rank} {self.unit}"

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.handled if self.handled else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.evaluated if self.evaluated else None


class RankingNoticeKind(models.TextChoices):
    RECTIFICATION = "rectification", _("Rectification notice (限期整改督查通知书)")
    SELF_EXAMINATION = "self_examination", _("Written self-examination (书面检查)")


class RankingNotice(models.Model):
    """What the ranking brings on a unit that stays at the bottom: two months running, a
    rectification notice; three months running, a written self-examination."""

    month = models.DateField(_("month"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RankingNoticeKind.choices)
    number = models.CharField(_("notice number"), max_length=160, unique=True)
    # Null only for a notice whose number named no unit that still exists (before 0002).
    issuing_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("issued by unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("rectify by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ranking notice")
        verbose_name_plural = _("ranking notices")
        ordering = ["-month", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "kind"], name="ranking_notice_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return self.number
