"""Pages: five-party joint supervision (五方联合督办): the board of open supervisions with
each party's state and days left (and the user's own party tasks on top), the form that
opens one on a case, and the detail with the parties, their reports, the report form for
the user's own party, and the three documents (交办函, 信访事由摘要, 责任分摊表), each as an A4
page to print and as a .docx download, for everyone who sees the supervision (the five units
included). Thin: parse the form, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.pages import case_or_404
from core.apiauth import api_or_login_required
from core.forms import bootstrap
from core.pages import DaysLeft, document_page, docx_download, forbidden, found_or_404, submit

from ..models import JointStatus, JointSupervision, PartyRole
from ..permissions import can_report_for_party, can_run_joint_supervision, sees_case
from .documents import JOINT_DOCUMENTS, JointDocumentKind
from .filters import ALL, JointFilter
from .forms import JointOpenForm, JointReportForm
from .selectors import (
    PartyRow,
    board_rows,
    detail_party_rows,
    joint_board,
    my_party_tasks,
    supervision_detail,
)
from .services.opening import joint_supervision_open
from .services.reporting import joint_party_report

PAGE_SIZE = 50

STATE_BADGE = {
    "not_reported": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "done": "text-bg-success",
    "overdue": "text-bg-danger",
}


def _cell(row: PartyRow, today) -> dict:
    """What a party's cell shows: unit, state badge and days left (calendar days to the
    due date, as on the case pages)."""
    party = row.party
    return {
        "role": party.role,
        "duty": party.get_role_display(),
        "unit": party.unit.name,
        "task": party.task,
        "due_on": party.due_on,
        "done_on": party.done_on,
        "state": row.state,
        "state_label": row.state_label,
        "badge": STATE_BADGE[row.state],
        "days_left": DaysLeft(row.days_left) if row.days_left is not None else None,
        "party": party,
    }


def supervision_or_404(request: HttpRequest, pk: int) -> JointSupervision:
    return found_or_404(JointSupervision, supervision_detail, user=request.user, pk=pk)


@login_required
@require_GET
def joint_board_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    if status not in (*JointStatus.values, ALL):
        status = JointStatus.OPEN
    today = timezone.localdate()
    board = JointFilter(
        request.GET,
        queryset=joint_board(user=request.user, status=None if status == ALL else status),
        user=request.user,
    )
    bootstrap(board.form)
    page = Paginator(board.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["status"] = status
    rows = [
        {"supervision": supervision, "cells": [_cell(row, today) for row in cells]}
        for supervision, cells in board_rows(page.object_list, today)
    ]
    tasks = [
        _cell(row, today) | {"supervision": row.supervision}
        for row in my_party_tasks(user=request.user)
    ]
    return render(
        request,
        "escalation/joint_board.html",
        {
            "status": status,
            "statuses": [*JointStatus.choices, (ALL, _("All"))],
            "roles": PartyRole.choices,
            "page": page,
            "rows": rows,
            "my_tasks": tasks,
            "query": query.urlencode(),
            "filter": board,
        },
        status=200 if board.is_valid() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def joint_open_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    back = reverse("cases:detail", args=[case.number])
    if not can_run_joint_supervision(request.user, case):
        return forbidden(
            request,
            _("Only the joint-conference office or the petition office opens a joint supervision."),
            back,
        )
    form = JointOpenForm(request.POST or None, case=case, user=request.user)
    done = submit(
        request,
        form,
        lambda: joint_supervision_open(actor=request.user, case=case, **form.service_kwargs()),
        back=back,
        success=lambda supervision: _(
            "Joint supervision %(number)s opened; the five units have been told."
        )
        % {"number": supervision.number},
        to=lambda supervision: reverse("escalation:joint_detail", args=[supervision.pk]),
        # A party's errors go onto its row's fields.
        place_errors=form.apply_errors,
    )
    return done.response or render(
        request, "escalation/joint_open.html", {"case": case, "form": form}, status=done.status
    )


def _render_detail(
    request: HttpRequest, pk: int, *, form: JointReportForm | None = None, status: int = 200
) -> HttpResponse:
    supervision = supervision_or_404(request, pk)
    user = request.user
    today = timezone.localdate()
    rows = detail_party_rows(supervision, today)
    mine = [row.party for row in rows if can_report_for_party(user, row.party.unit)]
    if form is None and mine and supervision.status == JointStatus.OPEN:
        form = JointReportForm(parties=mine, auto_id="id_report_%s")
    context = {
        "supervision": supervision,
        "case": supervision.case,
        "case_visible": sees_case(user, supervision.case_id),
        "parties": [_cell(row, today) | {"reports": row.party.reports.all()} for row in rows],
        "my_roles": [party.role for party in mine],
        "form": form,
        "documents": document_links(supervision),
    }
    return render(request, "escalation/joint_detail.html", context, status=status)


@login_required
@require_GET
def joint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@login_required
@require_POST
def joint_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = supervision_or_404(request, pk)
    mine = [p for p in supervision.parties.all() if can_report_for_party(request.user, p.unit)]
    back = reverse("escalation:joint_detail", args=[pk])
    if not mine:
        return forbidden(request, _("Your unit is not a party to this supervision."), back)
    form = JointReportForm(request.POST, parties=mine, auto_id="id_report_%s")
    done = submit(
        request,
        form,
        lambda: joint_party_report(
            actor=request.user, supervision=supervision, **form.service_kwargs()
        ),
        back=back,
        success=_("Your report has been recorded."),
    )
    return done.response or _render_detail(request, pk, form=form, status=done.status)


# --- the three documents --------------------------------------------------------------------


def document_links(supervision: JointSupervision) -> list[dict]:
    """Each document's title and its print and .docx links."""
    return [
        {
            "kind": kind.slug,
            "title": kind.title,
            "print_url": reverse("escalation:joint_document", args=[supervision.pk, kind.slug]),
            "docx_url": reverse("escalation:joint_document_docx", args=[supervision.pk, kind.slug]),
        }
        for kind in JOINT_DOCUMENTS.values()
    ]


def _document(request: HttpRequest, pk: int, kind: str):
    spec: JointDocumentKind | None = JOINT_DOCUMENTS.get(kind)
    if spec is None:
        raise Http404
    supervision = supervision_or_404(request, pk)
    return supervision, spec, spec.build(supervision)


@api_or_login_required
@require_GET
def joint_document_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    supervision, spec, document = _document(request, pk, kind)
    return document_page(
        request,
        "escalation/joint_document.html",
        document,
        docx_url=reverse("escalation:joint_document_docx", args=[pk, kind]),
        back_url=reverse("escalation:joint_detail", args=[pk]),
        supervision=supervision,
        kind=spec,
    )


@api_or_login_required
@require_GET
def joint_document_docx_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    supervision, spec, document = _document(request, pk, kind)
    return docx_download(document, f"joint-{supervision.pk}-{spec.slug}.docx")


urlpatterns: list = [
    path("joint/", joint_board_view, name="joint_board"),
    path("joint/<int:pk>/", joint_detail_view, name="joint_detail"),
    path("joint/<int:pk>/report/", joint_report_view, name="joint_report"),
    path("cases/<str:number>/joint/new/", joint_open_view, name="joint_open"),
    path("joint/<int:pk>/documents/<slug:kind>/", joint_document_view, name="joint_document"),
    path(
        "joint/<int:pk>/documents/<slug:kind>/docx/",
        joint_document_docx_view,
        name="joint_document_docx",
    ),
]
