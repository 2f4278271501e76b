"""Pages of dispute screening: the rounds (and a supervisor's special round), a round's
reports by unit, a unit's report with its disputes, the report list (what the dashboard
drills down to, the late units among them), the dispute ledger with its filters and export,
and a dispute with its steps. Thin: parse the form, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ValidationError
from core.http import attachment
from core.pages import (
    PAGE_SIZE,
    DaysLeft,
    apply_service_errors,
    filtered_list,
    forbidden,
    found_or_404,
    submit,
)
from core.rest import object_id

from ..events import ledger_events
from ..exports import XLSX_TYPE, disputes_workbook
from ..models import (
    ACTIVE_DISPUTE_STATUSES,
    DisputeItem,
    DisputeStatus,
    Ledger,
    ScreeningReport,
    ScreeningRound,
)
from ..permissions import can_open_screening_round, can_report, can_work_dispute
from .filters import DisputeFilter, ReportFilter
from .forms import (
    ConvertForm,
    DisputeForm,
    OutcomeForm,
    ProgressForm,
    ReportSubmitForm,
    RoundOpenForm,
)
from .selectors import (
    dispute_detail,
    dispute_list,
    report_detail,
    report_list,
    reports_awaiting,
    round_detail,
    round_list,
    round_reports,
)
from .services import (
    dispute_contain,
    dispute_convert,
    dispute_progress,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    screening_report_submit,
    screening_round_open,
)

# A dispute names at least one party: on its form, an applicant.
FIELD_NAMES = {"parties": "applicants"}


def _errors_on(form):
    """The service's field errors on `form`'s fields, under the form's names."""

    def place(error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {FIELD_NAMES.get(name, name): msgs for name, msgs in error.message_dict.items()}
            )
        apply_service_errors(error, form)

    return place


# --- rounds and reports -----------------------------------------------------------------------


@login_required
@require_GET
def round_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(round_list(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "awaiting": list(reports_awaiting(user)[:20]),
        "may_open": can_open_screening_round(user),
        "today": timezone.localdate(),
    }
    return render(request, "ledgers/screening/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_open_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = reverse("ledgers:round_list")
    if not can_open_screening_round(user):
        return forbidden(request, _("Only a supervisor opens a screening round."), back)
    form = RoundOpenForm(request.POST or None, user=user)
    done = submit(
        request,
        form,
        lambda: screening_round_open(actor=user, **form.service_kwargs()),
        back=back,
        success=lambda round_: _("Round “%(title)s” is open: %(count)d units must report.")
        % {"title": round_.title, "count": round_.reports.count()},
        to=lambda round_: reverse("ledgers:round_detail", args=[round_.pk]),
        place_errors=_errors_on(form),
    )
    return done.response or render(
        request, "ledgers/screening/round_open.html", {"form": form}, status=done.status
    )


@login_required
@require_GET
def round_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = found_or_404(ScreeningRound, round_detail, user=request.user, pk=pk)
    today = timezone.localdate()
    reports = round_reports(request.user, round_)
    context = {
        "round": round_,
        "reports": reports,
        "today": today,
        "late": [r for r in reports if not r.is_submitted and r.due_on < today],
        "days_left": DaysLeft.until(round_.due_on, today),
    }
    return render(request, "ledgers/screening/round_detail.html", context)


@login_required
@require_GET
def report_list_view(request: HttpRequest) -> HttpResponse:
    reports = ReportFilter(request.GET, queryset=report_list(request.user), user=request.user)
    return filtered_list(
        request,
        reports,
        row=lambda report: report,
        template="ledgers/screening/report_list.html",
        filters="ledgers/screening/_report_filters.html",
        table="ledgers/screening/_report_table.html",
        today=timezone.localdate(),
    )


def _report_or_404(request: HttpRequest, pk: int) -> ScreeningReport:
    return found_or_404(ScreeningReport, report_detail, user=request.user, pk=pk)


def _render_report(request, report, *, form=None, status=200) -> HttpResponse:
    may_report = not report.is_submitted and can_report(request.user, report)
    context = {
        "report": report,
        "items": list(report.items.select_related("responsible_unit").order_by("pk")),
        "form": (form or ReportSubmitForm()) if may_report else None,
        "may_report": may_report,
        "events": ledger_events(Ledger.SCREENING_REPORT, report.pk),
        "days_left": DaysLeft.until(report.due_on, timezone.localdate()),
    }
    return render(request, "ledgers/screening/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_report(request, _report_or_404(request, pk))


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    form = ReportSubmitForm(request.POST)
    done = submit(
        request,
        form,
        lambda: screening_report_submit(actor=request.user, report=report, **form.service_kwargs()),
        back=reverse("ledgers:report_detail", args=[report.pk]),
        success=_("The screening report of %(unit)s is submitted.") % {"unit": report.unit.name},
    )
    if done.response is not None:
        return done.response
    return _render_report(request, _report_or_404(request, pk), form=form, status=done.status)


# --- disputes ---------------------------------------------------------------------------------


@login_required
@require_GET
def dispute_list_view(request: HttpRequest) -> HttpResponse:
    disputes = DisputeFilter(request.GET, queryset=dispute_list(request.user), user=request.user)
    today = timezone.localdate()
    return filtered_list(
        request,
        disputes,
        row=lambda item: DisputeRow(item, today),
        template="ledgers/screening/dispute_list.html",
        filters="ledgers/screening/_dispute_filters.html",
        table="ledgers/screening/_dispute_table.html",
    )


class DisputeRow:
    """One line of the dispute ledger."""

    def __init__(self, item: DisputeItem, today) -> None:
        self.item = item
        self.active = item.status in ACTIVE_DISPUTE_STATUSES
        self.days_left = DaysLeft.until(item.due_on, today) if self.active else None
        self.overdue = self.days_left is not None and self.days_left.overdue


@login_required
@require_GET
def dispute_export_view(request: HttpRequest) -> HttpResponse:
    """The ledger as filtered, whole, as `.xlsx` (parties named, as on the page)."""
    disputes = DisputeFilter(request.GET, queryset=dispute_list(request.user), user=request.user)
    if not disputes.is_valid():
        return dispute_list_view(request)
    content, filename = disputes_workbook(disputes.qs)
    return attachment(content, XLSX_TYPE, filename)


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    report = None
    report_id = request.GET.get("report") or request.POST.get("report")
    if report_id:
        report = found_or_404(ScreeningReport, report_detail, user=user, pk=object_id(report_id))
    back = (
        reverse("ledgers:report_detail", args=[report.pk])
        if report
        else reverse("ledgers:dispute_list")
    )
    form = DisputeForm(request.POST or None, user=user)
    done = submit(
        request,
        form,
        lambda: dispute_register(actor=user, draft=form.draft(), report=report),
        back=back,
        success=lambda item: _("Dispute %(number)s is registered.") % {"number": item.number},
        to=lambda item: back if report else reverse("ledgers:dispute_detail", args=[item.pk]),
        place_errors=_errors_on(form),
    )
    return done.response or render(
        request,
        "ledgers/screening/dispute_new.html",
        {"form": form, "report": report, "back": back},
        status=done.status,
    )


def _dispute_or_404(request: HttpRequest, pk: int) -> DisputeItem:
    return found_or_404(DisputeItem, dispute_detail, user=request.user, pk=pk)


def _render_dispute(request, item, *, forms=None, status=200) -> HttpResponse:
    may_work = item.is_active and can_work_dispute(request.user, item)
    forms = forms or {}
    context = {
        "item": item,
        "row": DisputeRow(item, timezone.localdate()),
        "events": ledger_events(Ledger.DISPUTE, item.pk),
        "may_work": may_work,
        "progress_form": forms.get("progress") or ProgressForm(),
        "outcome_form": forms.get("outcome") or OutcomeForm(),
        "convert_form": forms.get("convert") or ConvertForm(item=item),
        "contained": item.status == DisputeStatus.CONTAINED,
    }
    return render(request, "ledgers/screening/dispute_detail.html", context, status=status)


@login_required
@require_GET
def dispute_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_dispute(request, _dispute_or_404(request, pk))


OUTCOMES = {
    "contain": (
        lambda actor, item, data: dispute_contain(actor=actor, item=item, outcome=data["outcome"]),
        _("Dispute %(number)s is recorded as contained."),
    ),
    "resolve": (
        lambda actor, item, data: dispute_resolve(
            actor=actor, item=item, method=data["method"], outcome=data["outcome"], on=data["date"]
        ),
        _("Dispute %(number)s is resolved."),
    ),
    "report_up": (
        lambda actor, item, data: dispute_report_up(
            actor=actor, item=item, outcome=data["outcome"]
        ),
        _("Dispute %(number)s is reported to the level above."),
    ),
}


@login_required
@require_POST
def dispute_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on a dispute: `progress`, `contain`, `resolve`, `report_up` or `convert`."""
    item = _dispute_or_404(request, pk)
    user = request.user
    back = reverse("ledgers:dispute_detail", args=[item.pk])
    if step == "progress":
        form = ProgressForm(request.POST)
        call = lambda: dispute_progress(actor=user, item=item, **form.cleaned_data)  # noqa: E731
        success, key = _("The measures of dispute %(number)s are recorded."), "progress"
    elif step == "convert":
        form = ConvertForm(request.POST, item=item)
        call = lambda: dispute_convert(actor=user, item=item, facts=form.facts())  # noqa: E731
        success, key = _("Dispute %(number)s is registered as a petition."), "convert"
    elif step in OUTCOMES:
        form = OutcomeForm(request.POST)
        service, success = OUTCOMES[step]
        call = lambda: service(user, item, form.cleaned_data)  # noqa: E731
        key = "outcome"
    else:
        return forbidden(request, _("There is no such step."), back)
    done = submit(request, form, call, back=back, success=str(success) % {"number": item.number})
    if done.response is not None:
        return done.response
    return _render_dispute(
        request, _dispute_or_404(request, pk), forms={key: form}, status=done.status
    )


urlpatterns: list = [
    path("screening/", round_list_view, name="round_list"),
    path("screening/rounds/new/", round_open_view, name="round_open"),
    path("screening/rounds/<int:pk>/", round_detail_view, name="round_detail"),
    path("screening/reports/", report_list_view, name="report_list"),
    path("screening/reports/<int:pk>/", report_detail_view, name="report_detail"),
    path("screening/reports/<int:pk>/submit/", report_submit_view, name="report_submit"),
    path("screening/disputes/", dispute_list_view, name="dispute_list"),
    path("screening/disputes/export/", dispute_export_view, name="dispute_export"),
    path("screening/disputes/new/", dispute_new_view, name="dispute_new"),
    path("screening/disputes/<int:pk>/", dispute_detail_view, name="dispute_detail"),
    path("screening/disputes/<int:pk>/<slug:step>/", dispute_step_view, name="dispute_step"),
]
