"""Which actions a user may take on a case or assignment, and their forms."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import User

from .. import forms as action_forms
from .. import services
from ..models import (
    ApprovalKind,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    DeadlineKind,
    ReplyStatus,
    ReviewLevel,
)
from ..permissions import (
    can_decide_acceptance,
    can_decide_review,
    can_handle,
    can_receive_review_request,
    can_sponsor,
    can_work_assignment,
)

# --- case detail and actions ------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A case or assignment action: its form, its service and how the page offers it."""

    slug: str
    label: str
    form: type[action_forms.ActionForm]
    service: Callable
    accesskey: str = ""
    danger: bool = False


def _actions(*rows: tuple) -> dict[str, Action]:
    return {row[0]: Action(*row) for row in rows}


F = action_forms
# slug (the URL), label, form, service, accesskey, whether it is a refusal (red)
CASE_ACTIONS = _actions(
    ("accept", gettext_lazy("Accept"), F.AcceptForm, services.case_accept, "a"),
    ("assign", gettext_lazy("Assign"), F.AssignForm, services.case_assign, "j"),
    ("forward", gettext_lazy("Forward"), F.ForwardForm, services.case_forward),
    (
        "not-accept",
        gettext_lazy("Not accept"),
        F.NotAcceptForm,
        services.case_propose_not_accept,
        "",
        True,
    ),
    ("divert", gettext_lazy("Divert to a legal channel"), F.DivertForm, services.case_divert),
    (
        "leave-simplified",
        gettext_lazy("Move to the normal procedure"),
        F.LeaveSimplifiedForm,
        services.case_leave_simplified,
    ),
    (
        "request-extension",
        gettext_lazy("Request an extension"),
        F.ExtensionForm,
        services.case_request_extension,
    ),
    ("reply", gettext_lazy("Draft the reply"), F.ReplyForm, services.reply_draft, "r"),
    (
        "deliver-reply",
        gettext_lazy("Deliver the reply"),
        F.DeliverForm,
        services.reply_deliver,
        "d",
    ),
    ("evaluate", gettext_lazy("Record the evaluation"), F.EvaluateForm, services.case_evaluate),
    (
        "request-review",
        gettext_lazy("Register a review request"),
        F.ReviewRequestForm,
        services.case_request_review,
    ),
    ("review", gettext_lazy("Decide the review"), F.ReviewDecisionForm, services.case_review),
    (
        "request-rereview",
        gettext_lazy("Register a re-review request"),
        F.ReviewRequestForm,
        services.case_request_rereview,
    ),
    ("hearing", gettext_lazy("Record a hearing"), F.HearingForm, services.case_record_hearing),
    (
        "rereview",
        gettext_lazy("Decide the re-review"),
        F.ReviewDecisionForm,
        services.case_rereview,
    ),
    ("sponsor", gettext_lazy("Sponsor this case"), F.SponsorForm, services.case_sponsor),
)
ASSIGNMENT_ACTIONS = _actions(
    ("sign", gettext_lazy("Sign for it"), F.SignForm, services.assignment_sign, "q"),
    ("report", gettext_lazy("Report back"), F.ReportForm, services.assignment_report, "b"),
    (
        "return",
        gettext_lazy("Object and return"),
        F.ReturnForm,
        services.assignment_return,
        "",
        True,
    ),
)

ACCEPTANCE_ACTIONS = ("accept", "assign", "forward", "not-accept", "divert")
WORKING = (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)


def offered_case_actions(user: User, case: Case) -> list[str]:
    """The actions `user` may take on `case` now (from the predicates and the case's state;
    the services check again). `case` comes from `case_for_display`."""
    offered: list[str] = []
    status = case.status
    approvals = list(case.approvals.all())
    pending = {approval.kind for approval in approvals if approval.status == ApprovalStatus.PENDING}
    if case.awaits_acceptance:
        if can_decide_acceptance(user, case) and ApprovalKind.NOT_ACCEPT not in pending:
            offered += ACCEPTANCE_ACTIONS
    elif status in WORKING and can_handle(user, case):
        replies = list(case.replies.all())
        open_reply = any(
            reply.status in (ReplyStatus.PENDING_APPROVAL, ReplyStatus.APPROVED)
            for reply in replies
        )
        working_assignment = any(
            a.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.SIGNED)
            for a in case.assignments.all()
        )
        offered.append("assign")
        if case.simplified:
            offered.append("leave-simplified")
        handling = next(
            (
                clock
                for clock in case.deadlines.all()
                if clock.kind == DeadlineKind.HANDLING and clock.is_open and not clock.assignment_id
            ),
            None,
        )
        extended = any(
            approval.kind == ApprovalKind.EXTENSION
            and approval.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED)
            for approval in approvals
        )
        if handling is not None and not handling.extended_days and not extended:
            offered.append("request-extension")
        if not open_reply and not working_assignment:
            offered.append("reply")
        if status == CaseStatus.IN_PROGRESS and any(
            reply.status == ReplyStatus.APPROVED for reply in replies
        ):
            offered.append("deliver-reply")
    elif status == CaseStatus.REPLIED and can_handle(user, case):
        offered.append("evaluate")
    reviews = {review.level: review for review in case.reviews.all()}
    if status in (CaseStatus.REPLIED, CaseStatus.EVALUATED):
        unit = services.superior_unit(case, ReviewLevel.REVIEW)
        if unit is not None and can_receive_review_request(user, case, unit):
            offered.append("request-review")
    elif status == CaseStatus.REVIEW_REQUESTED:
        review = reviews.get(ReviewLevel.REVIEW)
        if review is not None and can_decide_review(user, case, review.unit):
            offered.append("review")
    elif status == CaseStatus.REVIEWED:
        review = reviews.get(ReviewLevel.REVIEW)
        unit = review.unit.parent if review is not None else None
        if unit is not None and can_receive_review_request(user, case, unit):
            offered.append("request-rereview")
    elif status == CaseStatus.REREVIEW_REQUESTED:
        review = reviews.get(ReviewLevel.REREVIEW)
        if review is not None and can_decide_review(user, case, review.unit):
            offered += ["hearing", "rereview"]
    if case.is_open and can_sponsor(user, case) and case.sponsoring_leader_id in (None, user.pk):
        offered.append("sponsor")
    return offered


def offered_assignment_actions(user: User, assignment: Assignment) -> list[str]:
    if not can_work_assignment(user, assignment):
        return []
    if assignment.status == AssignmentStatus.ASSIGNED:
        return ["sign", "return"]
    if assignment.status == AssignmentStatus.SIGNED:
        return ["report", "return"]
    return []


@dataclass
class OfferedForm:
    """An action form as placed on the detail page."""

    key: str
    action: Action
    form: action_forms.ActionForm
    url: str
    title: str
    is_open: bool = False

    @property
    def multipart(self) -> bool:
        return self.form.is_multipart()


def _case_form(action: Action, case: Case, user: User, data=None, files=None):
    return action.form(
        data, files, case=case, user=user, auto_id=f"id_{action.slug.replace('-', '_')}_%s"
    )


def _assignment_form(action: Action, assignment: Assignment, user: User, data=None, files=None):
    return action.form(
        data,
        files,
        case=assignment.case,
        user=user,
        auto_id=f"id_assignment{assignment.pk}_{action.slug}_%s",
    )


def _offered_forms(user: User, case: Case, bound: OfferedForm | None) -> list[OfferedForm]:
    offered = []
    for slug in offered_case_actions(user, case):
        action = CASE_ACTIONS[slug]
        offered.append(
            OfferedForm(
                key=slug,
                action=action,
                form=_case_form(action, case, user),
                url=reverse("cases:action", args=[case.number, slug]),
                title=str(action.label),
            )
        )
    for assignment in case.assignments.all():
        for slug in offered_assignment_actions(user, assignment):
            action = ASSIGNMENT_ACTIONS[slug]
            offered.append(
                OfferedForm(
                    key=f"assignment-{assignment.pk}-{slug}",
                    action=action,
                    form=_assignment_form(action, assignment, user),
                    url=reverse("cases:assignment_action", args=[assignment.pk, slug]),
                    title=f"{action.label} · {assignment.lead_unit.name}",
                )
            )
    if bound is not None:
        for index, item in enumerate(offered):
            if item.key == bound.key:
                bound.title = item.title
                offered[index] = bound
                bound.is_open = True
    return offered
