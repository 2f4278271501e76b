"""Which actions a user may take on a case or assignment, and their forms."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.forms import ActionForm

from .. import forms as action_forms
from .. import guards as G
from .. import services
from ..models import Assignment, Case, ReviewLevel

# --- case detail and actions ------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A case or assignment action: its form, its service, the guard that decides whether
    the page offers it (the service checks it again on the locked row) and how it looks."""

    slug: str
    label: str
    form: type[ActionForm]
    service: Callable
    guard: Callable[[User, Case], object] | None = None
    accesskey: str = ""
    danger: bool = False


def _actions(*rows: tuple) -> dict[str, Action]:
    return {row[0]: Action(*row) for row in rows}


def _at(guard: Callable, level: str) -> Callable[[User, Case], object]:
    return lambda user, case: guard(user, case, level)


F = action_forms
# slug (the URL), label, form, service, guard, accesskey, whether it is a refusal (red)
CASE_ACTIONS = _actions(
    ("accept", gettext_lazy("Accept"), F.AcceptForm, services.case_accept, G.acceptance_guard, "a"),
    ("assign", gettext_lazy("Assign"), F.AssignForm, services.case_assign, G.assign_guard, "j"),
    ("forward", gettext_lazy("Forward"), F.ForwardForm, services.case_forward, G.acceptance_guard),
    (
        "not-accept",
        gettext_lazy("Not accept"),
        F.NotAcceptForm,
        services.case_propose_not_accept,
        G.acceptance_guard,
        "",
        True,
    ),
    (
        "divert",
        gettext_lazy("Divert to a legal channel"),
        F.DivertForm,
        services.case_divert,
        G.acceptance_guard,
    ),
    (
        "leave-simplified",
        gettext_lazy("Move to the normal procedure"),
        F.LeaveSimplifiedForm,
        services.case_leave_simplified,
        G.leave_simplified_guard,
    ),
    (
        "request-extension",
        gettext_lazy("Request an extension"),
        F.ExtensionForm,
        services.case_request_extension,
        G.extension_guard,
    ),
    (
        "reply",
        gettext_lazy("Draft the reply"),
        F.ReplyForm,
        services.reply_draft,
        G.reply_guard,
        "r",
    ),
    (
        "deliver-reply",
        gettext_lazy("Deliver the reply"),
        F.DeliverForm,
        services.reply_deliver,
        G.deliver_guard,
        "d",
    ),
    (
        "evaluate",
        gettext_lazy("Record the evaluation"),
        F.EvaluateForm,
        services.case_evaluate,
        G.evaluate_guard,
    ),
    (
        "request-review",
        gettext_lazy("Register a review request"),
        F.ReviewRequestForm,
        services.case_request_review,
        _at(G.review_request_guard, ReviewLevel.REVIEW),
    ),
    (
        "review",
        gettext_lazy("Decide the review"),
        F.ReviewDecisionForm,
        services.case_review,
        _at(G.review_decision_guard, ReviewLevel.REVIEW),
    ),
    (
        "request-rereview",
        gettext_lazy("Register a re-review request"),
        F.ReviewRequestForm,
        services.case_request_rereview,
        _at(G.review_request_guard, ReviewLevel.REREVIEW),
    ),
    (
        "hearing",
        gettext_lazy("Record a hearing"),
        F.HearingForm,
        services.case_record_hearing,
        G.hearing_guard,
    ),
    (
        "rereview",
        gettext_lazy("Decide the re-review"),
        F.ReviewDecisionForm,
        services.case_rereview,
        _at(G.review_decision_guard, ReviewLevel.REREVIEW),
    ),
    (
        "sponsor",
        gettext_lazy("Sponsor this case"),
        F.SponsorForm,
        services.case_sponsor,
        G.sponsor_guard,
    ),
)
# The assignment steps' guard is `guards.assignment_guard` with the slug as its step.
ASSIGNMENT_ACTIONS = _actions(
    ("sign", gettext_lazy("Sign for it"), F.SignForm, services.assignment_sign, None, "q"),
    ("report", gettext_lazy("Report back"), F.ReportForm, services.assignment_report, None, "b"),
    (
        "return",
        gettext_lazy("Object and return"),
        F.ReturnForm,
        services.assignment_return,
        None,
        "",
        True,
    ),
)


def offered_case_actions(user: User, case: Case) -> list[str]:
    """The steps `user` may take on `case` now: those whose guard passes (the services run
    the same guards on the locked row). `case` comes from `case_for_display`."""
    return [slug for slug, action in CASE_ACTIONS.items() if G.allows(action.guard, user, case)]


def offered_assignment_actions(user: User, assignment: Assignment) -> list[str]:
    return [
        step for step in ASSIGNMENT_ACTIONS if G.allows(G.assignment_guard, user, assignment, step)
    ]


@dataclass
class OfferedForm:
    """An action as placed on the detail page: its card, and its form once asked for (the
    page fetches it when the card is opened; a form posted with errors comes with it)."""

    key: str
    action: Action
    form: ActionForm | None
    url: str
    title: str
    is_open: bool = False

    @property
    def multipart(self) -> bool:
        return self.form is not None and self.form.is_multipart()


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


def assignment_action_title(action: Action, assignment: Assignment) -> str:
    return f"{action.label} · {assignment.lead_unit.name}"


def _offered_forms(user: User, case: Case, bound: OfferedForm | None) -> list[OfferedForm]:
    """The cards of the actions `user` may take, without their forms (built when a card is
    opened) but for `bound`, the one posted with errors."""
    offered = []
    for slug in offered_case_actions(user, case):
        action = CASE_ACTIONS[slug]
        offered.append(
            OfferedForm(
                key=slug,
                action=action,
                form=None,
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
                    form=None,
                    url=reverse("cases:assignment_action", args=[assignment.pk, slug]),
                    title=assignment_action_title(action, assignment),
                )
            )
    if bound is not None:
        for index, item in enumerate(offered):
            if item.key == bound.key:
                bound.title = item.title
                offered[index] = bound
                bound.is_open = True
    return offered
