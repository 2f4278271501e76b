"""Pages of the major and urgent matters (重大紧急信访事项): the reports list with its filters
and export, a report with its recipients, history and steps (send, acknowledge, follow up),
the flag form and the case page's panel. Thin: parse the form, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import acts_for
from cases.pages import case_or_404
from core.http import attachment
from core.pages import filtered_list, forbidden, found_or_404, submit

from ..events import ledger_events
from ..exports import XLSX_TYPE, urgent_workbook
from ..models import Ledger, UrgentReport, UrgentStatus
from ..permissions import can_flag_urgent
from .filters import UrgentFilter
from .forms import ContentForm, FlagForm
from .selectors import case_reports, report_detail, report_list
from .services import (
    may_acknowledge,
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)


class ReportRow:
    """One line of the list: the report, and whether it is late now."""

    def __init__(self, report: UrgentReport, now) -> None:
        self.report = report
        self.unsent_late = report.status == UrgentStatus.DRAFT and report.report_due_at < now
        self.ack_late = (
            report.status == UrgentStatus.ISSUED
            and report.ack_due_at is not None
            and report.ack_due_at < now
        )
        self.late = report.is_late(now)


@login_required
@require_GET
def urgent_list_view(request: HttpRequest) -> HttpResponse:
    listed = report_list(request.user).prefetch_related("recipients")
    reports = UrgentFilter(request.GET, queryset=listed, user=request.user)
    now = timezone.now()
    return filtered_list(
        request,
        reports,
        row=lambda report: ReportRow(report, now),
        template="ledgers/urgent/list.html",
        filters="ledgers/urgent/_filters.html",
        table="ledgers/urgent/_table.html",
    )


@login_required
@require_GET
def urgent_export_view(request: HttpRequest) -> HttpResponse:
    reports = UrgentFilter(request.GET, queryset=report_list(request.user), user=request.user)
    if not reports.is_valid():
        return urgent_list_view(request)
    content, filename = urgent_workbook(reports.qs)
    return attachment(content, XLSX_TYPE, filename)


def _report_or_404(request: HttpRequest, pk: int) -> UrgentReport:
    return found_or_404(UrgentReport, report_detail, user=request.user, pk=pk)


def _render(request, report, *, form=None, status=200) -> HttpResponse:
    user = request.user
    recipients = list(report.recipients.select_related("unit", "acknowledged_by"))
    may_report = can_flag_urgent(user) and acts_for(user, report.reporting_unit)
    context = {
        "report": report,
        "row": ReportRow(report, timezone.now()),
        "recipients": recipients,
        "events": ledger_events(Ledger.URGENT_REPORT, report.pk),
        "may_issue": may_report and report.status == UrgentStatus.DRAFT,
        "may_follow_up": may_report and report.status != UrgentStatus.DRAFT,
        "may_acknowledge": any(
            r.acknowledged_at is None and may_acknowledge(user, report, r.unit) for r in recipients
        ),
        "form": form or ContentForm(initial={"content": report.content}),
    }
    return render(request, "ledgers/urgent/detail.html", context, status=status)


@login_required
@require_GET
def urgent_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _report_or_404(request, pk))


@login_required
@require_POST
def urgent_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """`issue` (send the report), `acknowledge` or `follow_up`."""
    report = _report_or_404(request, pk)
    user = request.user
    back = reverse("ledgers:urgent_detail", args=[report.pk])
    form = None
    if step == "acknowledge":
        call = lambda: urgent_acknowledge(actor=user, report=report)  # noqa: E731
        success = _("Report %(number)s is acknowledged.")
    elif step in ("issue", "follow_up"):
        form = ContentForm(request.POST)
        service = urgent_report_issue if step == "issue" else urgent_follow_up
        call = lambda: service(actor=user, report=report, **form.cleaned_data)  # noqa: E731
        success = (
            _("Report %(number)s is sent.")
            if step == "issue"
            else _("The follow-up to report %(number)s is sent.")
        )
    else:
        return forbidden(request, _("There is no such step."), back)
    done = submit(request, form, call, back=back, success=success % {"number": report.number})
    if done.response is not None:
        return done.response
    return _render(request, _report_or_404(request, pk), form=form, status=done.status)


@login_required
@require_http_methods(["GET", "POST"])
def urgent_flag_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    user = request.user
    back = reverse("cases:detail", args=[case.number])
    if not can_flag_urgent(user):
        return forbidden(request, _("Only the staff of a unit flag a matter."), back)
    form = FlagForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: urgent_flag(actor=user, case=case, **form.cleaned_data),
        back=back,
        success=lambda report: _("Case %(case)s is flagged: report %(number)s is due by %(due)s.")
        % {
            "case": case.number,
            "number": report.number,
            "due": timezone.localtime(report.report_due_at).strftime("%Y-%m-%d %H:%M"),
        },
        to=lambda report: reverse("ledgers:urgent_detail", args=[report.pk]),
    )
    return done.response or render(
        request, "ledgers/urgent/flag.html", {"case": case, "form": form}, status=done.status
    )


@login_required
@require_GET
def urgent_case_panel_view(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's panel: its information reports, and the flag button."""
    case = case_or_404(request, number)
    user = request.user
    context = {
        "case": case,
        "reports": case_reports(user=user, case=case),
        "may_flag": can_flag_urgent(user),
    }
    return render(request, "ledgers/urgent/_case_panel.html", context)


urlpatterns: list = [
    path("urgent/", urgent_list_view, name="urgent_list"),
    path("urgent/export/", urgent_export_view, name="urgent_export"),
    path("urgent/<int:pk>/", urgent_detail_view, name="urgent_detail"),
    path("urgent/<int:pk>/<slug:step>/", urgent_step_view, name="urgent_step"),
    path("urgent/cases/<str:number>/flag/", urgent_flag_view, name="urgent_flag"),
    path("urgent/cases/<str:number>/panel/", urgent_case_panel_view, name="urgent_case_panel"),
]
