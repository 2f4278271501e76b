from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.workcalendar import Counting

from ..kinds import deadline_kinds, event_kinds


class MatterKind(models.TextChoices):
    """The three kinds of matter of Art. 29–31."""

    SUGGESTION = "suggestion", _("Suggestion/opinion")
    ACCUSATION = "accusation", _("Report/accusation")
    COMPLAINT = "complaint", _("Complaint/request")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    FORWARDED = "forwarded", _("Forwarded")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    DIVERTED = "diverted", _("Diverted to legal channels")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    EVALUATED = "evaluated", _("Evaluated")
    CLOSED = "closed", _("Closed")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    REVIEWED = "reviewed", _("Reviewed")
    REREVIEW_REQUESTED = "rereview_requested", _("Re-review requested")
    REREVIEWED = "rereviewed", _("Re-reviewed")
    TERMINATED = "terminated", _("Terminated")


# Accept, forward, not accept, divert; assigning (交办) accepts and starts the work at once.
ACCEPTANCE_DECISIONS = frozenset(
    {
        CaseStatus.ACCEPTED,
        CaseStatus.FORWARDED,
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.DIVERTED,
        CaseStatus.IN_PROGRESS,
    }
)

# The legal transitions of DESIGN §3; services refuse anything else.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.REGISTERED: ACCEPTANCE_DECISIONS,
    # A forwarded case waits for the acceptance decision of the unit it was forwarded to.
    CaseStatus.FORWARDED: ACCEPTANCE_DECISIONS,
    CaseStatus.ACCEPTED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.REPLIED}),
    CaseStatus.REPLIED: frozenset(
        {CaseStatus.EVALUATED, CaseStatus.CLOSED, CaseStatus.REVIEW_REQUESTED}
    ),
    CaseStatus.EVALUATED: frozenset({CaseStatus.CLOSED, CaseStatus.REVIEW_REQUESTED}),
    CaseStatus.REVIEW_REQUESTED: frozenset({CaseStatus.REVIEWED}),
    CaseStatus.REVIEWED: frozenset({CaseStatus.REREVIEW_REQUESTED, CaseStatus.CLOSED}),
    CaseStatus.REREVIEW_REQUESTED: frozenset({CaseStatus.REREVIEWED}),
    CaseStatus.REREVIEWED: frozenset({CaseStatus.TERMINATED}),
}

# Statuses in which the owner unit handles the accepted matter (办理中).
WORKING_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS})

# The case has had its answer: a reply delivered, and no review pending on it. (A review or
# re-review being asked for puts the answer in question until the superior decides.)
ANSWERED_STATUSES = frozenset(
    {
        CaseStatus.REPLIED,
        CaseStatus.EVALUATED,
        CaseStatus.CLOSED,
        CaseStatus.REVIEWED,
        CaseStatus.REREVIEWED,
        CaseStatus.TERMINATED,
    }
)

# Statuses waiting for an acceptance decision (受理/转送/交办/不予受理/诉访分离).
AWAITING_ACCEPTANCE = frozenset({CaseStatus.REGISTERED, CaseStatus.FORWARDED})

# A repeat petition may be attached only to a case that is still open.
CLOSED_STATUSES = frozenset(
    {CaseStatus.NOT_ACCEPTED, CaseStatus.DIVERTED, CaseStatus.CLOSED, CaseStatus.TERMINATED}
)


# Statuses in which a unit still owes work on the case (在办): a decision, the answer, or a
# review. A replied or evaluated case waits on the petitioner, not on a unit.
IN_WORK_STATUSES = frozenset(
    {
        CaseStatus.REGISTERED,
        CaseStatus.FORWARDED,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.REVIEW_REQUESTED,
        CaseStatus.REREVIEW_REQUESTED,
    }
)


class NotAcceptReason(models.TextChoices):
    OUTSIDE_REMIT = "outside_remit", _("Outside the remit of petition work")
    TERMINATED = "terminated", _("Already terminated")
    # The matter was answered and its case closed (已办结) when the review request window
    # lapsed unused; like TERMINATED, the decision names that earlier case.
    NOT_REVIEWED_IN_TIME = (
        "not_reviewed_in_time",
        _("Already answered, and no review requested within the time limit"),
    )
    ACCEPTED_BELOW = "accepted_below", _("Already accepted by a lower body, within its time limit")
    OTHER = "other", _("Other")


class LegalChannel(models.TextChoices):
    """The statutory channels of 诉访分离."""

    LITIGATION = "litigation", _("Litigation")
    ARBITRATION = "arbitration", _("Arbitration")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")


class Case(models.Model):
    """A petition matter (信访事项): one record, one clock, one owner."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    matter_kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    receiving_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="owned_cases"
    )
    location_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("matter location"), on_delete=models.PROTECT, related_name="+"
    )
    accused_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("accused unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sponsoring_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsoring leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_cases",
    )
    summary = models.CharField(_("summary"), max_length=200)
    received_at = models.DateTimeField(_("first received"))
    # Facts of the case's petitions, kept by the services that add one (case_open,
    # case_attach_petition): the lists and the backlog read them without the petitions.
    petition_count = models.PositiveIntegerField(
        _("petitions received"), default=0, db_default=0, editable=False
    )
    last_received_at = models.DateTimeField(_("last received"), null=True, editable=False)
    is_first_time = models.BooleanField(_("first-time petition"), default=False)
    same_matter_as = models.ForeignKey(
        "self",
        verbose_name=_("earlier case on the same matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    simplified = models.BooleanField(_("simplified procedure"), default=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decision_reason = models.CharField(
        _("reason"), max_length=30, choices=NotAcceptReason.choices, blank=True
    )
    legal_channel = models.CharField(
        _("legal channel"), max_length=30, choices=LegalChannel.choices, blank=True
    )
    guided_to = models.CharField(_("guided to"), max_length=100, blank=True)
    answering_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("answering unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    sponsor_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sponsor_due_on = models.DateField(_("sponsorship time limit"), null=True, blank=True)
    sponsor_responsibility = models.TextField(_("responsibility"), blank=True)
    # The effective date of the latest step: back-entered steps may not go before it.
    last_step_on = models.DateField(_("latest step on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["owner_unit", "status"]),
            models.Index(fields=["received_at"]),
            models.Index(
                fields=["sponsoring_leader"],
                condition=Q(sponsoring_leader__isnull=False),
                name="case_sponsored",
            ),
            # The dashboards' open-work counts and backlog, per owner unit.
            models.Index(
                fields=["owner_unit", "received_at"],
                condition=Q(status__in=sorted(IN_WORK_STATUSES)),
                name="case_in_work",
            ),
            # 积案 are among the cases not closed (`selectors.backlog_condition`).
            models.Index(
                fields=["owner_unit"],
                condition=~Q(status__in=sorted(CLOSED_STATUSES)),
                name="case_not_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def awaits_acceptance(self) -> bool:
        return self.status in AWAITING_ACCEPTANCE


class DeadlineKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance decision")
    HANDLING = "handling", _("Handling")
    EXTENSION = "extension", _("Extension")
    REVIEW_REQUEST = "review_request", _("Review request window")
    REVIEW = "review", _("Review")
    REREVIEW_REQUEST = "rereview_request", _("Re-review request window")
    REREVIEW = "rereview", _("Re-review")
    SIMPLIFIED_DECISION = "simplified_decision", _("Simplified procedure: decision")
    SIMPLIFIED_ANSWER = "simplified_answer", _("Simplified procedure: answer")
    # A suggestion (建议意见类, Art. 29) is studied and answered: no 60-day handling procedure
    # and no extension, but the answer has its own clock.
    SUGGESTION_ANSWER = "suggestion_answer", _("Suggestion: answer")
    ASSIGNMENT = "assignment", _("Assignment report-back")
    # Rule-only kinds: windows checked when an action comes in, no clock row of their own.
    OBJECTION_WINDOW = "objection_window", _("Objection to an assignment")
    EVALUATION_WINDOW = "evaluation_window", _("Satisfaction evaluation window")


# The clocks a DeadlineRule governs. Every other clock's due date is set by hand: an
# assignment's report-back, and the task clocks the apps above register in
# `cases.kinds.DEADLINE_KINDS` (escalation's, several of which may run at once on a case).
RULED_CLOCKS = tuple(kind for kind in DeadlineKind if kind != DeadlineKind.ASSIGNMENT)

# Clocks the petitioner holds (request windows) are not the units' work: never "overdue".
# When one lapses unused, the case closes (`services.closing`).
PETITIONER_WINDOWS = (DeadlineKind.REVIEW_REQUEST, DeadlineKind.REREVIEW_REQUEST)

# The clock the answer to the petitioner is due by, on the normal and the simplified track,
# and on the suggestions' track (Art. 29).
ANSWER_CLOCKS = (
    DeadlineKind.HANDLING,
    DeadlineKind.SIMPLIFIED_ANSWER,
    DeadlineKind.SUGGESTION_ANSWER,
)
# The clock the decision to accept is due by, on the normal and the simplified track.
ACCEPTANCE_CLOCKS = (DeadlineKind.ACCEPTANCE, DeadlineKind.SIMPLIFIED_DECISION)


class DeadlineRule(models.Model):
    """How long a clock runs, per jurisdiction (an org subtree; empty = national default),
    from an effective date. A clock keeps the rule in force on the day it started."""

    kind = models.CharField(_("clock"), max_length=30, choices=deadline_kinds)
    jurisdiction = models.ForeignKey(
        OrgUnit,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty for the national default."),
    )
    effective_from = models.DateField(_("effective from"))
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    counting = models.CharField(
        _("counting"), max_length=20, choices=Counting.choices, default=Counting.CALENDAR_DAYS
    )
    note = models.CharField(_("legal basis / note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["kind", "jurisdiction__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "jurisdiction", "effective_from"], name="deadline_rule_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "effective_from"],
                condition=Q(jurisdiction__isnull=True),
                name="deadline_rule_national_unique",
            ),
        ]

    def __str__(self) -> str:
        where = self.jurisdiction or _("national")
        return f"{self.get_kind_display()} · {where} · {self.days} {self.get_counting_display()}"


class Deadline(models.Model):
    """One clock of a case (时限). The reminder scan reads open clocks by due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("clock"), max_length=30, choices=deadline_kinds)
    # Empty for a due date set by hand (an assignment's).
    rule = models.ForeignKey(DeadlineRule, null=True, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "cases.Assignment", null=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    # The due date depends on a day of a provisional calendar year (`core.workcalendar`):
    # it may still move when the year's official holiday schedule is entered.
    # With a database default too: the benches load clocks naming only the columns they fill.
    due_provisional = models.BooleanField(
        _("due date provisional"), default=False, db_default=False
    )
    # When the clock stopped: the step it waited for happened (on `met_on`), or, for a
    # petitioner's request window, the window lapsed unused (`lapsed`, no `met_on`). A clock
    # is open while `met_at` is empty.
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    # With a database default too: bulk loaders (the benches' COPY and INSERT … SELECT) name
    # only the columns they fill.
    lapsed = models.BooleanField(_("lapsed unused"), default=False, db_default=False)
    extended_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    # Days not counted (a hearing during a re-review, Art. 36).
    paused_days = models.PositiveSmallIntegerField(_("paused (days)"), default=0)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(met_at__isnull=True), name="deadline_open_due"
            ),
            # The dashboards' rollup reads every clock due on a day, met or not.
            models.Index(fields=["due_on", "kind"], name="deadline_due_kind"),
            # The closing job reads the petitioner's open request windows past their end.
            models.Index(
                fields=["due_on"],
                condition=Q(met_at__isnull=True, kind__in=sorted(PETITIONER_WINDOWS)),
                name="deadline_open_window_due",
            ),
        ]
        constraints = [
            # One open clock of each of the case's own kinds (an assignment's: one per
            # assignment, below); the task clocks of the apps above may run several at once.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(
                    met_at__isnull=True,
                    assignment__isnull=True,
                    kind__in=sorted(DeadlineKind.values),
                ),
                name="deadline_one_open_clock_per_kind",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(met_at__isnull=True, assignment__isnull=False),
                name="deadline_one_open_clock_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None

    @property
    def met_in_time(self) -> bool | None:
        return None if self.met_on is None else self.met_on <= self.due_on


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PETITION_ATTACHED = "petition_attached", _("Repeat petition attached")
    ACCEPTED = "accepted", _("Accepted")
    FORWARDED = "forwarded", _("Forwarded")
    ASSIGNED = "assigned", _("Assigned")
    NOT_ACCEPT_PROPOSED = "not_accept_proposed", _("Not accepting proposed")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    DIVERTED = "diverted", _("Diverted to a legal channel")
    SIMPLIFIED_LEFT = "simplified_left", _("Moved to the normal procedure")
    ASSIGNMENT_SIGNED = "assignment_signed", _("Assignment signed for")
    ASSIGNMENT_REPORTED = "assignment_reported", _("Assignment reported back")
    ASSIGNMENT_RETURNED = "assignment_returned", _("Assignment objected to and returned")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    REPLY_DRAFTED = "reply_drafted", _("Reply drafted")
    REPLY_APPROVED = "reply_approved", _("Reply approved")
    REPLY_DELIVERED = "reply_delivered", _("Reply delivered")
    SENT_BACK = "sent_back", _("Sent back by the leader")
    EVALUATED = "evaluated", _("Satisfaction evaluated")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    REVIEWED = "reviewed", _("Review decided")
    REREVIEW_REQUESTED = "rereview_requested", _("Re-review requested")
    HEARING = "hearing", _("Hearing held")
    REREVIEWED = "rereviewed", _("Re-review decided")
    TERMINATED = "terminated", _("Terminated")
    CLOSED = "closed", _("Closed")
    SPONSORED = "sponsored", _("Sponsored by a leader")
    NOTICE_DELIVERED = "notice_delivered", _("Written notice delivered")
    # Written when a change of the work calendar moves an open clock's due date.
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("Time limit moved by the work calendar")


class CaseEvent(models.Model):
    """Append-only timeline of a case (办理过程), written in the same transaction as the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=event_kinds)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    old_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # When it happened (back-entered paper records happened earlier) and when it was entered.
    effective_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["effective_on", "created_at", "pk"]
        # The dashboards' rollup finds the cases changed since its last run.
        indexes = [models.Index(fields=["created_at"], name="case_event_created")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"
