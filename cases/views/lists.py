"""My queue, the case list and the leaders approvals inbox."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.roles import Role
from core.pages import (
    PAGE_SIZE,
    DaysLeft,
    badge_of,
    day_text,
    filtered_list,
    forbidden,
    keyed_urls,
    person_name,
    row_html,
    run_service,
)

from .. import forms as action_forms
from .. import services
from ..filters import CaseFilter
from ..models import (
    Approval,
    Case,
    CaseStatus,
)
from ..selectors import (
    approval_detail,
    approvals_awaiting,
    case_list,
    my_queue,
    with_case_names,
)
from .common import proposal_text, status_badge

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
    # A clock's due date counted on a provisional calendar year (it may still move).
    due_provisional: bool = False

    def html(self) -> SafeString:
        # Built here rather than by the template engine, as the list pages' rows are: a
        # queue shows up to 50 rows in each of its sections.
        provisional = (
            row_html(
                ' <span class="badge text-bg-warning" data-due-provisional>{label}</span>',
                label=_("provisional"),
            )
            if self.due_provisional
            else ""
        )
        return row_html(
            '<tr data-case="{number}">'
            '<td><a href="{url}" class="font-monospace">{number}</a></td>'
            '<td class="summary">{summary}</td>'
            "<td>{what}</td>"
            "<td>{unit}</td>"
            "<td>{due}{provisional}</td>"
            "<td>{days_left}</td>"
            "</tr>",
            **{**vars(self), "provisional": provisional, "days_left": badge_of(self.days_left)},
        )


@login_required
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    queue = my_queue(user=request.user)
    today = timezone.localdate()

    detail_url = keyed_urls("cases:detail")

    def case_url(number: str, anchor: str = "") -> str:
        return detail_url(number) + anchor

    to_accept = [
        QueueRow(
            number=case.number,
            url=case_url(case.number),
            summary=case.summary,
            what=str(CaseStatus(case.status).label),
            unit=case.owner_unit.name,
            due=day_text(case.acceptance_due),
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
            % {"unit": assignment.assigning_unit.name, "date": day_text(assignment.assigned_on)},
            unit=assignment.lead_unit.name,
            due=day_text(assignment.due_on),
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
                    due=day_text(clock.due_on),
                    days_left=DaysLeft.until(clock.due_on, today),
                    due_provisional=clock.due_provisional,
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
            due=day_text(approval.requested_on),
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
                part
                for part in (str(CaseStatus(case.status).label), person_name(case.sponsor_staff))
                if part
            ),
            unit=case.owner_unit.name,
            due=day_text(case.sponsor_due_on or case.next_due),
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
    def of(cls, case: Case, today: datetime.date, url: Callable[[str], str]) -> "CaseRow":
        """`url` gives a case's page from its number (`core.pages.keyed_urls`)."""
        return cls(
            number=case.number,
            url=url(case.number),
            received=day_text(case.received_at),
            summary=case.summary,
            owner_unit=case.owner_unit.name,
            status=str(CaseStatus(case.status).label),
            status_badge=status_badge(case.status),
            next_due=day_text(case.next_due),
            days_left=DaysLeft.until(case.next_due, today) if case.is_open else None,
            petition_count=case.petition_count or 0,
            sponsoring_leader=person_name(case.sponsoring_leader),
        )

    def html(self) -> SafeString:
        # Built here rather than by the template engine: 50 rows of its per-cell lookups and
        # escaping took 2 of the page's 19 ms.
        return row_html(
            '<tr data-case="{number}">'
            '<td class="nowrap"><a href="{url}" class="font-monospace">{number}</a></td>'
            '<td class="nowrap">{received}</td>'
            '<td class="summary">{summary}</td>'
            '<td class="d-none d-md-table-cell unit small">{owner_unit}</td>'
            '<td><span class="badge {status_badge}">{status}</span></td>'
            '<td class="d-none d-lg-table-cell nowrap">{next_due}</td>'
            "<td>{days_left}</td>"
            '<td class="text-end d-none d-xl-table-cell">{petition_count}</td>'
            '<td class="d-none d-lg-table-cell">{sponsoring_leader}</td>'
            "</tr>",
            **{**vars(self), "days_left": badge_of(self.days_left)},
        )


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    cases = CaseFilter(
        request.GET, queryset=case_list(user=request.user, every_due_date=False), request=request
    )
    cases.form.fields["status"].widget.attrs["data-search"] = "true"
    today = timezone.localdate()
    url = keyed_urls("cases:detail")
    return filtered_list(
        request,
        cases,
        row=lambda case: CaseRow.of(case, today, url),
        named=with_case_names,
        template="cases/list.html",
        filters="cases/_filters.html",
        table="cases/_table.html",
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
        return forbidden(request, _("Only leaders approve."))
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
    if not form.is_valid():
        return _render_approvals(request, bound=(approval.pk, form), status=400)
    outcome = run_service(
        request,
        form,
        lambda: services.approval_decide(
            actor=request.user, approval=approval, **form.service_kwargs()
        ),
        back=reverse("cases:detail", args=[approval.case.number]),
    )
    if outcome.refused is not None:
        return outcome.refused
    if outcome.status == 409:
        return _render_approvals(request, status=409)
    if not outcome.ok:
        return _render_approvals(request, bound=(approval.pk, form), status=outcome.status)
    done = _("Approved") if form.cleaned_data["approve"] else _("Sent back")
    messages.success(
        request,
        _("%(done)s: %(kind)s of case %(number)s.")
        % {"done": done, "kind": approval.get_kind_display(), "number": approval.case.number},
    )
    return redirect("cases:approvals")
