"""Each step's guard: who may take it (role and unit) and whether the case allows it now
(state). A guard raises `NotAllowed` or `Conflict` with the reason, and it is used twice:

- by the service, on the row it has just locked and read afresh (`case_lock`), so that a
  step never acts on what the caller's copy of the case said a moment ago;
- by the page, which offers exactly the steps whose guard passes (`allows`).

Guards read the case's relations through `.all()`: the page's case comes with them
prefetched (`selectors.case_for_display`) and costs no query; the service's fresh row reads
the database. What depends on the date a step is given (a window or a time limit) is checked
by the service, which knows that date."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, User
from core.exceptions import Conflict, NotAllowed

from .models import (
    AWAITING_ACCEPTANCE,
    WORKING_STATUSES,
    ApprovalKind,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    Deadline,
    DeadlineKind,
    MatterKind,
    ReplyStatus,
    Review,
    ReviewLevel,
)
from .models import Approval as ApprovalRow
from .permissions import (
    can_approve,
    can_assign,
    can_decide_acceptance,
    can_decide_review,
    can_handle,
    can_receive_review_request,
    can_sponsor,
    can_work_assignment,
)

REQUESTABLE_FROM = {
    ReviewLevel.REVIEW: (CaseStatus.REPLIED, CaseStatus.EVALUATED),
    ReviewLevel.REREVIEW: (CaseStatus.REVIEWED,),
}
REQUESTED: dict[str, CaseStatus] = {
    ReviewLevel.REVIEW: CaseStatus.REVIEW_REQUESTED,
    ReviewLevel.REREVIEW: CaseStatus.REREVIEW_REQUESTED,
}


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def refuse_unless(case: Case, *statuses: str, action: str) -> None:
    """Conflict unless the case is in one of `statuses`."""
    if case.status not in statuses:
        raise Conflict(
            _("Case %(number)s is “%(status)s”: %(action)s is not possible now.")
            % {"number": case.number, "status": case.get_status_display(), "action": action}
        )


def allows(guard: Callable[..., object], *args) -> bool:
    """Whether `guard(*args)` lets the step through (the page's question)."""
    try:
        guard(*args)
    except (NotAllowed, Conflict):
        return False
    return True


# --- what the guards read ----------------------------------------------------------------------


def _approvals(case: Case, kind: str, *statuses: str) -> list[ApprovalRow]:
    return [a for a in case.approvals.all() if a.kind == kind and a.status in statuses]


def case_clock(case: Case, kind: str) -> Deadline | None:
    """The case's open clock of `kind` (not an assignment's), if any."""
    return next(
        (
            clock
            for clock in case.deadlines.all()
            if clock.kind == kind and clock.met_at is None and clock.assignment_id is None
        ),
        None,
    )


def review_of(case: Case, level: str) -> Review | None:
    return next((review for review in case.reviews.all() if review.level == level), None)


def superior_unit(case: Case, level: str) -> OrgUnit | None:
    """Who reviews: the parent of the unit that answered; who re-reviews: the parent of the
    reviewing unit."""
    if level == ReviewLevel.REVIEW:
        below = case.answering_unit
    else:
        review = review_of(case, ReviewLevel.REVIEW)
        below = review.unit if review is not None else None
    return below.parent if below is not None else None


# --- the guards --------------------------------------------------------------------------------


def acceptance_guard(user: User, case: Case, action: str = "") -> None:
    """Accept, forward, not accept, divert: a handler of the unit the case is with, while the
    case awaits its decision and no decision not to accept is before a leader."""
    require(
        can_decide_acceptance(user, case),
        _("Only a handler of %(unit)s decides whether to accept this case.")
        % {"unit": case.owner_unit},
    )
    refuse_unless(case, *AWAITING_ACCEPTANCE, action=action or _("deciding on acceptance"))
    if _approvals(case, ApprovalKind.NOT_ACCEPT, ApprovalStatus.PENDING):
        raise Conflict(_("A decision not to accept this case is awaiting a leader's approval."))


def assign_guard(user: User, case: Case) -> None:
    """交办: a handler of the owner unit or a leader responsible for it, on a case awaiting its
    decision (assigning accepts it) or being worked."""
    require(
        can_assign(user, case),
        _("Only a handler of %(unit)s or a leader responsible for it assigns this case.")
        % {"unit": case.owner_unit},
    )
    if case.awaits_acceptance:
        if _approvals(case, ApprovalKind.NOT_ACCEPT, ApprovalStatus.PENDING):
            raise Conflict(_("A decision not to accept this case is awaiting a leader's approval."))
    else:
        refuse_unless(case, *WORKING_STATUSES, action=_("assigning"))


def handling_guard(user: User, case: Case, *statuses: str, action: str) -> None:
    """A handler of the owner unit, with the case in one of `statuses`."""
    require(
        can_handle(user, case),
        _("Only a handler of %(unit)s handles this case.") % {"unit": case.owner_unit},
    )
    refuse_unless(case, *statuses, action=action)


def leave_simplified_guard(user: User, case: Case) -> None:
    handling_guard(user, case, *WORKING_STATUSES, action=_("changing the procedure"))
    if not case.simplified:
        raise Conflict(_("The case is not on the simplified procedure."))


def extension_guard(user: User, case: Case) -> Deadline:
    """延期, once per case, on the handling clock (a simplified case moves first); returns
    that clock."""
    handling_guard(user, case, *WORKING_STATUSES, action=_("requesting an extension"))
    if case.matter_kind == MatterKind.SUGGESTION:
        raise Conflict(
            _("A suggestion is answered within its own time limit, which is not extended.")
        )
    handling = case_clock(case, DeadlineKind.HANDLING)
    if handling is None:
        raise Conflict(_("A case on the simplified procedure is not extended; move it first."))
    if handling.extended_days or _approvals(
        case, ApprovalKind.EXTENSION, ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    ):
        raise Conflict(_("The handling time limit can be extended only once."))
    return handling


def reply_guard(user: User, case: Case) -> None:
    """Draft the reply: no other reply before a leader or awaiting delivery, and every
    assigned unit has reported back."""
    handling_guard(user, case, *WORKING_STATUSES, action=_("drafting a reply"))
    if any(
        reply.status in (ReplyStatus.PENDING_APPROVAL, ReplyStatus.APPROVED)
        for reply in case.replies.all()
    ):
        raise Conflict(_("A reply is already awaiting approval or delivery."))
    waiting = next(
        (
            assignment
            for assignment in case.assignments.all()
            if assignment.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.SIGNED)
        ),
        None,
    )
    if waiting is not None:
        raise Conflict(
            _("%(unit)s has not reported back on its assignment yet.") % {"unit": waiting.lead_unit}
        )


def deliver_guard(user: User, case: Case) -> None:
    handling_guard(user, case, CaseStatus.IN_PROGRESS, action=_("delivering the reply"))
    if not any(reply.status == ReplyStatus.APPROVED for reply in case.replies.all()):
        raise Conflict(_("There is no approved reply to deliver."))


def evaluate_guard(user: User, case: Case) -> None:
    handling_guard(user, case, CaseStatus.REPLIED, action=_("recording the evaluation"))


def review_request_target(case: Case, level: str) -> OrgUnit:
    """Where a (re-)review request of `case` goes, whoever brings it: its status must take
    one, a re-review needs a review decision, and the unit that answered needs a superior;
    returns that superior unit."""
    action = (
        _("requesting a review") if level == ReviewLevel.REVIEW else _("requesting a re-review")
    )
    if case.matter_kind == MatterKind.SUGGESTION:
        # Art. 29, 35: the answer to a suggestion is not a handling opinion (处理意见).
        raise Conflict(
            _("Case %(number)s is a suggestion: its answer is not reviewed.")
            % {"number": case.number}
        )
    refuse_unless(case, *REQUESTABLE_FROM[level], action=action)
    if level == ReviewLevel.REREVIEW and review_of(case, ReviewLevel.REVIEW) is None:
        raise Conflict(
            _("Case %(number)s has no review decision: a re-review is requested after one.")
            % {"number": case.number}
        )
    unit = superior_unit(case, level)
    if unit is None:
        raise Conflict(_("The unit that answered has no superior unit in the system."))
    return unit


def review_request_guard(user: User, case: Case, level: str) -> OrgUnit:
    """Register a (re-)review request: at the superior unit, by its reception staff or
    handlers; returns that unit."""
    unit = review_request_target(case, level)
    require(
        can_receive_review_request(user, case, unit),
        _("The request is received by %(unit)s.") % {"unit": unit},
    )
    return unit


def review_decision_guard(user: User, case: Case, level: str, action: str = "") -> Review:
    """Decide a (re-)review, or hold its hearing: a handler of the reviewing unit; returns
    the review."""
    if not action:
        action = (
            _("deciding the review") if level == ReviewLevel.REVIEW else _("deciding the re-review")
        )
    refuse_unless(case, REQUESTED[level], action=action)
    review = review_of(case, level)
    if review is None:
        refuse_unless(case, action=action)
    require(
        can_decide_review(user, case, review.unit),
        _("Only a handler of %(unit)s decides this.") % {"unit": review.unit},
    )
    return review


def hearing_guard(user: User, case: Case) -> Review:
    return review_decision_guard(user, case, ReviewLevel.REREVIEW, action=_("recording a hearing"))


def sponsor_guard(user: User, case: Case) -> None:
    """包案: a leader responsible for the case, while it is open and no other leader has it."""
    require(can_sponsor(user, case), _("Only a leader responsible for this case sponsors it."))
    if not case.is_open:
        refuse_unless(case, action=_("sponsoring"))
    if case.sponsoring_leader_id not in (None, user.pk):
        raise Conflict(
            _("%(leader)s already sponsors this case.") % {"leader": case.sponsoring_leader}
        )


def approval_guard(user: User, approval: ApprovalRow) -> None:
    """审批: a leader responsible for the case's owner unit, while the approval is pending."""
    require(
        can_approve(user, approval.case),
        _("Only a leader responsible for %(unit)s approves this.")
        % {"unit": approval.case.owner_unit},
    )
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(
            _("This has already been decided: %(status)s.")
            % {"status": approval.get_status_display()}
        )


ASSIGNMENT_STEPS = {
    "sign": ((AssignmentStatus.ASSIGNED,), gettext_lazy("signing for it")),
    "report": ((AssignmentStatus.SIGNED,), gettext_lazy("reporting back")),
    "return": ((AssignmentStatus.ASSIGNED, AssignmentStatus.SIGNED), gettext_lazy("objecting")),
}


def assignment_guard(user: User, assignment: Assignment, step: str) -> None:
    """Sign for, report on or object to an assignment: a handler of its lead unit, with the
    assignment where `step` may be taken."""
    require(
        can_work_assignment(user, assignment),
        _("Only a handler of %(unit)s works this assignment.") % {"unit": assignment.lead_unit},
    )
    statuses, action = ASSIGNMENT_STEPS[step]
    if assignment.status not in statuses:
        raise Conflict(
            _("The assignment is “%(status)s”: %(action)s is not possible now.")
            % {"status": assignment.get_status_display(), "action": action}
        )
