"""Pages of the backlog ledger (积案台账): the ledger with its filters and export (what the
dashboard drills down to), the candidates (积案 by the rule not on the ledger) with a
supervisor's "put on the ledger", the assignment sheet form, an entry with its facts,
progress reports, history and steps, and its printable sheet (交办单). Thin: parse the form,
call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case
from cases.selectors import cases_visible_to
from core.http import attachment
from core.pages import (
    DaysLeft,
    document_page,
    docx_download,
    filtered_list,
    forbidden,
    found_or_404,
    submit,
)

from ..events import ledger_events
from ..exports import XLSX_TYPE, backlog_workbook
from ..models import BacklogEntry, Ledger
from ..permissions import can_manage_backlog, can_place_on_backlog, can_report_backlog
from .documents import assignment_sheet
from .filters import BacklogFilter, CandidateFilter
from .forms import ExtendForm, OutcomeForm, PlaceForm, ProgressForm, SponsorForm
from .selectors import backlog_candidates, entry_detail, entry_list, progress_reports
from .services import (
    backlog_end,
    backlog_extend,
    backlog_place,
    backlog_progress,
    backlog_sponsor,
)


class EntryRow:
    """One line of the ledger."""

    def __init__(self, entry: BacklogEntry, today) -> None:
        self.entry = entry
        self.days_left = DaysLeft.until(entry.due_on, today) if entry.is_open else None
        self.overdue = self.days_left is not None and self.days_left.overdue


# --- the ledger and its candidates ------------------------------------------------------------


def _ledger(request: HttpRequest) -> BacklogFilter:
    return BacklogFilter(request.GET, queryset=entry_list(request.user), user=request.user)


@login_required
@require_GET
def backlog_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return filtered_list(
        request,
        _ledger(request),
        row=lambda entry: EntryRow(entry, today),
        template="ledgers/backlog/list.html",
        filters="ledgers/backlog/_filters.html",
        table="ledgers/backlog/_table.html",
        may_place=can_place_on_backlog(request.user),
    )


@login_required
@require_GET
def backlog_export_view(request: HttpRequest) -> HttpResponse:
    """The ledger as filtered, whole, as `.xlsx` (free text masked)."""
    entries = _ledger(request)
    if not entries.is_valid():
        return backlog_list_view(request)
    content, filename = backlog_workbook(entries.qs)
    return attachment(content, XLSX_TYPE, filename)


@login_required
@require_GET
def candidate_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    cases = CandidateFilter(request.GET, queryset=backlog_candidates(user), user=user)
    return filtered_list(
        request,
        cases,
        row=lambda case: case,
        template="ledgers/backlog/candidates.html",
        filters="ledgers/backlog/_candidate_filters.html",
        table="ledgers/backlog/_candidate_table.html",
        may_place=can_place_on_backlog(user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def backlog_place_view(request: HttpRequest) -> HttpResponse:
    """The assignment sheet (交办单): `?case=<number>` names the case."""
    user = request.user
    back = reverse("ledgers:backlog_candidates")
    if not can_place_on_backlog(user):
        return forbidden(request, _("Only a supervisor puts a case on the backlog ledger."), back)
    number = (request.GET.get("case") or "").strip()
    case = None
    if number and request.method == "GET":
        case = found_or_404(Case, lambda: cases_visible_to(user).get(number=number))
    initial = {"case": case.number} if case else None
    form = PlaceForm(request.POST or None, user=user, initial=initial)
    done = submit(
        request,
        form,
        lambda: backlog_place(actor=user, **form.service_kwargs()),
        back=back,
        success=lambda entry: _(
            "Case %(case)s is on the backlog ledger: assignment sheet %(sheet)s."
        )
        % {"case": entry.case.number, "sheet": entry.number},
        to=lambda entry: reverse("ledgers:backlog_detail", args=[entry.pk]),
    )
    if done.response is not None:
        return done.response
    if case is None and form.is_bound:
        # The case named, when it was found (the service's refusal leaves it on the form).
        case = getattr(form, "cleaned_data", {}).get("case")
    return render(
        request,
        "ledgers/backlog/place.html",
        {"form": form, "case": case, "back": back},
        status=done.status,
    )


# --- an entry ---------------------------------------------------------------------------------


def _entry_or_404(request: HttpRequest, pk: int) -> BacklogEntry:
    return found_or_404(BacklogEntry, entry_detail, user=request.user, pk=pk)


def _render_entry(request, entry, *, forms=None, status=200) -> HttpResponse:
    user = request.user
    forms = forms or {}
    may_manage = entry.is_open and can_manage_backlog(user, entry)
    may_report = entry.is_open and can_report_backlog(user, entry)
    context = {
        "entry": entry,
        "row": EntryRow(entry, timezone.localdate()),
        "reports": progress_reports(entry),
        "events": ledger_events(Ledger.BACKLOG, entry.pk),
        "sees_case": cases_visible_to(user).filter(pk=entry.case_id).exists(),
        "may_manage": may_manage,
        "may_report": may_report,
        "progress_form": (forms.get("progress") or ProgressForm()) if may_report else None,
        "sponsor_form": (
            (forms.get("sponsor") or SponsorForm(user=user))
            if may_manage and entry.sponsoring_leader_id is None
            else None
        ),
        "extend_form": (
            (forms.get("extend") or ExtendForm()) if may_manage and not entry.extended else None
        ),
        "outcome_form": (forms.get("outcome") or OutcomeForm()) if may_manage else None,
    }
    return render(request, "ledgers/backlog/detail.html", context, status=status)


@login_required
@require_GET
def backlog_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_entry(request, _entry_or_404(request, pk))


STEPS = {
    "progress": (
        lambda request, data: ProgressForm(data),
        backlog_progress,
        "entry",
        _("The progress of backlog case %(sheet)s is recorded."),
    ),
    "sponsor": (
        lambda request, data: SponsorForm(data, user=request.user),
        backlog_sponsor,
        "entry",
        _("The sponsoring leader of backlog case %(sheet)s is named."),
    ),
    "extend": (
        lambda request, data: ExtendForm(data),
        backlog_extend,
        "entry",
        _("The time limit of backlog case %(sheet)s is extended."),
    ),
    "outcome": (
        lambda request, data: OutcomeForm(data),
        backlog_end,
        "entry",
        _("Backlog case %(sheet)s is off the ledger."),
    ),
}


@login_required
@require_POST
def backlog_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on an entry: `progress`, `sponsor`, `extend` or `outcome`."""
    entry = _entry_or_404(request, pk)
    back = reverse("ledgers:backlog_detail", args=[entry.pk])
    if step not in STEPS:
        return forbidden(request, _("There is no such step."), back)
    build, service, row, success = STEPS[step]
    form = build(request, request.POST)
    done = submit(
        request,
        form,
        lambda: service(actor=request.user, **{row: entry}, **form.service_kwargs()),
        back=back,
        success=str(success) % {"sheet": entry.number},
    )
    if done.response is not None:
        return done.response
    return _render_entry(
        request, _entry_or_404(request, pk), forms={step: form}, status=done.status
    )


@login_required
@require_GET
def backlog_sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    return document_page(
        request,
        "ledgers/backlog/sheet.html",
        assignment_sheet(entry),
        docx_url=reverse("ledgers:backlog_sheet_docx", args=[entry.pk]),
        back_url=reverse("ledgers:backlog_detail", args=[entry.pk]),
        entry=entry,
    )


@login_required
@require_GET
def backlog_sheet_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    return docx_download(assignment_sheet(entry), f"backlog-sheet-{entry.pk}.docx")


urlpatterns: list = [
    path("backlog/", backlog_list_view, name="backlog_list"),
    path("backlog/export/", backlog_export_view, name="backlog_export"),
    path("backlog/candidates/", candidate_list_view, name="backlog_candidates"),
    path("backlog/new/", backlog_place_view, name="backlog_place"),
    path("backlog/<int:pk>/", backlog_detail_view, name="backlog_detail"),
    path("backlog/<int:pk>/sheet/", backlog_sheet_view, name="backlog_sheet"),
    path("backlog/<int:pk>/sheet/docx/", backlog_sheet_docx_view, name="backlog_sheet_docx"),
    path("backlog/<int:pk>/<slug:step>/", backlog_step_view, name="backlog_step"),
]
