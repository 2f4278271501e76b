"""Case pages: my queue, the case list, the case detail with one form per action, the
leaders' approvals inbox and document downloads. Thin: parse the form, call one service,
render; which actions to offer comes from `permissions` and the case's state."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.exceptions import Conflict, NotAllowed, ValidationError
from accounts.identity import mask_id_number, mask_phone
from accounts.models import User
from accounts.roles import Role

from . import forms as action_forms
from . import services
from .filters import CaseFilter
from .models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    DeadlineKind,
    Document,
    NotAcceptReason,
    Opinion,
    ReplyStatus,
    ReviewLevel,
)
from .permissions import (
    can_approve,
    can_decide_acceptance,
    can_decide_review,
    can_handle,
    can_receive_review_request,
    can_sponsor,
    can_work_assignment,
)
from .selectors import (
    approval_detail,
    approvals_awaiting,
    assignment_detail,
    case_detail,
    case_for_display,
    case_list,
    my_queue,
)

PAGE_SIZE = 50


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_detail(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None


# --- small display helpers ----------------------------------------------------------------------

STATUS_BADGE = {
    CaseStatus.REGISTERED: "text-bg-warning",
    CaseStatus.FORWARDED: "text-bg-warning",
    CaseStatus.ACCEPTED: "text-bg-primary",
    CaseStatus.IN_PROGRESS: "text-bg-primary",
    CaseStatus.REPLIED: "text-bg-info",
    CaseStatus.EVALUATED: "text-bg-info",
    CaseStatus.REVIEW_REQUESTED: "text-bg-warning",
    CaseStatus.REVIEWED: "text-bg-info",
    CaseStatus.REREVIEW_REQUESTED: "text-bg-warning",
    CaseStatus.REREVIEWED: "text-bg-info",
}


def status_badge(status: str) -> str:
    return STATUS_BADGE.get(status, "text-bg-secondary")


@dataclass(frozen=True)
class DaysLeft:
    """Days until a due date: negative when overdue (shown in red)."""

    days: int

    @classmethod
    def until(cls, due: datetime.date | None, today: datetime.date) -> "DaysLeft | None":
        return None if due is None else cls((due - today).days)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def css(self) -> str:
        if self.days < 0:
            return "text-danger fw-semibold"
        return "text-warning-emphasis" if self.days <= 3 else "text-secondary"

    def __str__(self) -> str:
        if self.days == 0:
            return _("due today")
        if self.days > 0:
            return ngettext("%(days)d day left", "%(days)d days left", self.days) % {
                "days": self.days
            }
        late = -self.days
        return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value:%Y-%m-%d}"


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- my queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue section, formatted once in Python."""

    number: str
    url: str
    summary: str
    what: str
    unit: str
    due: str
    days_left: DaysLeft | None


@login_required
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    queue = my_queue(user=request.user)
    today = timezone.localdate()

    def case_url(number: str, anchor: str = "") -> str:
        return reverse("cases:detail", args=[number]) + anchor

    to_accept = [
        QueueRow(
            number=case.number,
            url=case_url(case.number),
            summary=case.summary,
            what=case.get_status_display(),
            unit=case.owner_unit.name,
            due=_day(case.acceptance_due),
            days_left=DaysLeft.until(case.acceptance_due, today),
        )
        for case in queue.to_accept
    ]
    to_sign = [
        QueueRow(
            number=assignment.case.number,
            url=case_url(assignment.case.number, f"#assignment-{assignment.pk}"),
            summary=assignment.case.summary,
            what=_("Assigned by %(unit)s on %(date)s")
            % {"unit": assignment.assigning_unit.name, "date": _day(assignment.assigned_on)},
            unit=assignment.lead_unit.name,
            due=_day(assignment.due_on),
            days_left=DaysLeft.until(assignment.due_on, today),
        )
        for assignment in queue.to_sign
    ]

    def clock_rows(clocks) -> list[QueueRow]:
        rows = []
        for clock in clocks:
            what = clock.get_kind_display()
            if clock.assignment_id:
                what = f"{what} · {clock.assignment.lead_unit.name}"
            rows.append(
                QueueRow(
                    number=clock.case.number,
                    url=case_url(clock.case.number, "#clocks"),
                    summary=clock.case.summary,
                    what=what,
                    unit=clock.responsible_unit.name,
                    due=_day(clock.due_on),
                    days_left=DaysLeft.until(clock.due_on, today),
                )
            )
        return rows

    to_approve = [
        QueueRow(
            number=approval.case.number,
            url=reverse("cases:approvals") + f"#approval-{approval.pk}",
            summary=approval.case.summary,
            what=approval.get_kind_display(),
            unit=approval.case.owner_unit.name,
            due=_day(approval.requested_on),
            days_left=None,
        )
        for approval in queue.to_approve
    ]
    sponsored = [
        QueueRow(
            number=case.number,
            url=case_url(case.number),
            summary=case.summary,
            what=" · ".join(
                part for part in (case.get_status_display(), _person(case.sponsor_staff)) if part
            ),
            unit=case.owner_unit.name,
            due=_day(case.sponsor_due_on or case.next_due),
            days_left=DaysLeft.until(case.sponsor_due_on or case.next_due, today),
        )
        for case in queue.sponsored
    ]
    sections = [
        ("to-accept", _("To accept"), _("Acceptance due"), to_accept),
        ("to-sign", _("Assignments to sign for"), _("Report due"), to_sign),
        ("due-soon", _("Due soon"), _("Due"), clock_rows(queue.due_soon)),
        ("overdue", _("Overdue"), _("Due"), clock_rows(queue.overdue)),
    ]
    if request.user.has_role(Role.LEADER):
        sections.append(("to-approve", _("Awaiting my approval"), _("Requested on"), to_approve))
        sections.append(("sponsored", _("Cases I sponsor"), _("Time limit"), sponsored))
    return render(request, "cases/queue.html", {"sections": sections})


# --- case list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, formatted once in Python."""

    number: str
    url: str
    received: str
    summary: str
    owner_unit: str
    status: str
    status_badge: str
    next_due: str
    days_left: DaysLeft | None
    petition_count: int
    sponsoring_leader: str

    @classmethod
    def of(cls, case: Case, today: datetime.date) -> "CaseRow":
        return cls(
            number=case.number,
            url=reverse("cases:detail", args=[case.number]),
            received=_day(case.received_at),
            summary=case.summary,
            owner_unit=case.owner_unit.name,
            status=case.get_status_display(),
            status_badge=status_badge(case.status),
            next_due=_day(case.next_due),
            days_left=DaysLeft.until(case.next_due, today) if case.is_open else None,
            petition_count=case.petition_count or 0,
            sponsoring_leader=_person(case.sponsoring_leader),
        )


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    cases = CaseFilter(request.GET, queryset=case_list(user=request.user), request=request)
    for name in ("status", "unit"):
        cases.form.fields[name].widget.attrs["data-search"] = "true"
    page = Paginator(cases.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    rows = [CaseRow.of(case, today) for case in page.object_list]
    context = {"filter": cases, "page": page, "rows": rows, "query": query.urlencode()}
    template = "cases/_table.html" if _htmx(request) else "cases/list.html"
    return render(request, template, context)


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


@dataclass(frozen=True)
class Party:
    name: str
    role: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class PetitionInfo:
    number: str
    url: str
    received_at: str
    channel: str
    category: str
    summary: str
    parties: list[Party] = field(default_factory=list)


def _petitions(case: Case) -> list[PetitionInfo]:
    """The case's petitions with their parties; ID numbers and phones masked."""
    petitions = (
        case.petitions.select_related("category__parent")
        .prefetch_related("parties__petitioner")
        .order_by("received_at", "pk")
    )
    return [
        PetitionInfo(
            number=petition.number,
            url=reverse("petitions:detail", args=[petition.number]),
            received_at=f"{timezone.localtime(petition.received_at):%Y-%m-%d %H:%M}",
            channel=petition.get_channel_display(),
            category=str(petition.category),
            summary=petition.summary,
            parties=[
                Party(
                    name=party.name,
                    role=party.get_role_display(),
                    id_number=mask_id_number(party.petitioner.id_number),
                    phone=mask_phone(party.phone),
                )
                for party in petition.parties.all()
            ],
        )
        for petition in petitions
    ]


@dataclass(frozen=True)
class ClockRow:
    kind: str
    unit: str
    starts_on: str
    due_on: str
    days_left: DaysLeft | None
    met_on: str
    in_time: bool | None
    extended_days: int
    paused_days: int


def _clocks(case: Case, today: datetime.date) -> list[ClockRow]:
    rows = []
    for clock in case.deadlines.all():
        kind = clock.get_kind_display()
        if clock.assignment_id:
            kind = f"{kind} · {clock.responsible_unit.name}"
        rows.append(
            ClockRow(
                kind=kind,
                unit=clock.responsible_unit.name,
                starts_on=_day(clock.starts_on),
                due_on=_day(clock.due_on),
                days_left=DaysLeft.until(clock.due_on, today) if clock.is_open else None,
                met_on=_day(clock.met_on),
                in_time=clock.met_in_time,
                extended_days=clock.extended_days,
                paused_days=clock.paused_days,
            )
        )
    return rows


def proposal_text(approval: Approval) -> str:
    """What a leader is asked to approve, in one line."""
    proposal = approval.proposal or {}
    if approval.kind == ApprovalKind.EXTENSION:
        return _("%(days)s more days (due %(due)s): %(reason)s") % {
            "days": proposal.get("days", ""),
            "due": proposal.get("due_on", ""),
            "reason": proposal.get("reason", ""),
        }
    if approval.kind == ApprovalKind.NOT_ACCEPT:
        reason = proposal.get("reason", "")
        label = NotAcceptReason(reason).label if reason in NotAcceptReason.values else reason
        parts = [str(label), proposal.get("text", "")]
        if proposal.get("earlier_case"):
            parts.append(_("earlier case %(number)s") % {"number": proposal["earlier_case"]})
        return " · ".join(part for part in parts if part)
    reply = approval.reply
    if reply is None:
        return ""
    opinion = Opinion(reply.opinion).label if reply.opinion in Opinion.values else ""
    return " · ".join(str(part) for part in (opinion, reply.request) if part)


@dataclass(frozen=True)
class EventRow:
    kind: str
    label: str
    effective_on: str
    entered_at: str
    actor: str
    unit: str
    old_status: str
    new_status: str
    comment: str


def _timeline(case: Case) -> list[EventRow]:
    rows = []
    for event in case.events.all():
        entered = timezone.localtime(event.created_at)
        rows.append(
            EventRow(
                kind=event.kind,
                label=event.get_kind_display(),
                effective_on=_day(event.effective_on),
                entered_at=(
                    f"{entered:%Y-%m-%d %H:%M}" if entered.date() != event.effective_on else ""
                ),
                actor=_person(event.actor),
                unit=event.actor_unit.name if event.actor_unit else "",
                old_status=event.get_old_status_display() if event.old_status else "",
                new_status=(
                    event.get_new_status_display()
                    if event.new_status and event.new_status != event.old_status
                    else ""
                ),
                comment=event.comment,
            )
        )
    return rows


def _render_detail(
    request: HttpRequest,
    number: str,
    *,
    bound: OfferedForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = case_for_display(_case_or_404(request, number))
    user = request.user
    today = timezone.localdate()
    approvals = list(case.approvals.all())
    context = {
        "case": case,
        "status_badge": status_badge(case.status),
        "petitions": _petitions(case),
        "clocks": _clocks(case, today),
        "assignments": list(case.assignments.all()),
        "approvals": [(approval, proposal_text(approval)) for approval in approvals],
        "may_approve": can_approve(user, case),
        "replies": list(case.replies.all()),
        "evaluations": list(case.evaluations.all()),
        "reviews": list(case.reviews.all()),
        "documents": list(case.documents.all()),
        "timeline": _timeline(case),
        "actions": _offered_forms(user, case, bound),
    }
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_GET
def case_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return _render_detail(request, number)


def _forbidden(request: HttpRequest, reason: str, back: str = "") -> HttpResponse:
    """403 with the reason the service gave, on a page of its own."""
    return render(request, "cases/forbidden.html", {"reason": reason, "back": back}, status=403)


def _apply_service_errors(error: ValidationError, form: action_forms.ActionForm) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def _run_action(
    request: HttpRequest,
    *,
    number: str,
    offered: OfferedForm,
    call: Callable[[dict], object],
) -> HttpResponse:
    """Validate the form, call the service, and answer: back to the detail on success; the
    page again with inline errors (400) or the reason of a conflict (409); 403 if the user
    may not do this."""
    form = offered.form
    if form.is_valid():
        try:
            call(form.service_kwargs())
        except ValidationError as error:
            _apply_service_errors(error, form)
        except NotAllowed as error:
            return _forbidden(request, str(error), reverse("cases:detail", args=[number]))
        except Conflict as error:
            messages.error(request, str(error))
            return _render_detail(request, number, bound=offered, status=409)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": offered.action.label})
            return redirect("cases:detail", number=number)
    return _render_detail(request, number, bound=offered, status=400)


@login_required
@require_POST
def case_action_view(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = _case_or_404(request, number)
    form = _case_form(spec, case, request.user, request.POST, request.FILES)
    offered = OfferedForm(key=action, action=spec, form=form, url=request.path, title="")
    return _run_action(
        request,
        number=number,
        offered=offered,
        call=lambda kwargs: spec.service(actor=request.user, case=case, **kwargs),
    )


@login_required
@require_POST
def assignment_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ASSIGNMENT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    try:
        assignment = assignment_detail(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    form = _assignment_form(spec, assignment, request.user, request.POST, request.FILES)
    offered = OfferedForm(
        key=f"assignment-{assignment.pk}-{action}",
        action=spec,
        form=form,
        url=request.path,
        title="",
    )
    return _run_action(
        request,
        number=assignment.case.number,
        offered=offered,
        call=lambda kwargs: spec.service(actor=request.user, assignment=assignment, **kwargs),
    )


@login_required
@require_GET
def document_download_view(request: HttpRequest, number: str, pk: int) -> FileResponse:
    case = _case_or_404(request, number)
    document = Document.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


# --- approvals inbox --------------------------------------------------------------------------


@dataclass
class ApprovalRow:
    approval: Approval
    proposal: str
    case_url: str
    print_url: str
    form: action_forms.ApprovalDecideForm


def _decide_form(approval: Approval, user: User, data=None) -> action_forms.ApprovalDecideForm:
    return action_forms.ApprovalDecideForm(
        data, case=approval.case, user=user, auto_id=f"id_approval{approval.pk}_%s"
    )


def _render_approvals(
    request: HttpRequest,
    *,
    bound: tuple[int, action_forms.ApprovalDecideForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.LEADER):
        return _forbidden(request, _("Only leaders approve."))
    page = Paginator(approvals_awaiting(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for approval in page.object_list:
        form = bound[1] if bound and bound[0] == approval.pk else _decide_form(approval, user)
        number = approval.case.number
        rows.append(
            ApprovalRow(
                approval=approval,
                proposal=proposal_text(approval),
                case_url=reverse("cases:detail", args=[number]),
                print_url=(
                    reverse("cases:reply_print", args=[number, approval.reply_id])
                    if approval.reply_id
                    else ""
                ),
                form=form,
            )
        )
    return render(request, "cases/approvals.html", {"rows": rows, "page": page}, status=status)


@login_required
@require_GET
def approvals_view(request: HttpRequest) -> HttpResponse:
    return _render_approvals(request)


@login_required
@require_POST
def approval_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval = approval_detail(user=request.user, pk=pk)
    except Approval.DoesNotExist:
        raise Http404 from None
    form = _decide_form(approval, request.user, request.POST)
    if form.is_valid():
        try:
            services.approval_decide(actor=request.user, approval=approval, **form.service_kwargs())
        except ValidationError as error:
            _apply_service_errors(error, form)
        except NotAllowed as error:
            return _forbidden(
                request, str(error), reverse("cases:detail", args=[approval.case.number])
            )
        except Conflict as error:
            messages.error(request, str(error))
            return _render_approvals(request, status=409)
        else:
            done = _("Approved") if form.cleaned_data["approve"] else _("Sent back")
            messages.success(
                request,
                _("%(done)s: %(kind)s of case %(number)s.")
                % {
                    "done": done,
                    "kind": approval.get_kind_display(),
                    "number": approval.case.number,
                },
            )
            return redirect("cases:approvals")
    return _render_approvals(request, bound=(approval.pk, form), status=400)
