import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from core.http import attachment
from core.officialdoc import DOCX_TYPE
from petitions.models import Channel, ReceivedLevel

from . import indicators
from .exports import TABLES, XLSX_TYPE, summary_workbook
from .forms import DashboardFilterForm, ReportForm
from .links import drilldown_links
from .periods import PRESETS
from .permissions import can_view_dashboards
from .report import monthly_report_docx
from .sections import SectionFigures, section_figures, sections
from .selectors import backlog_ledger, backlog_row, stats_summary


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_dashboards(request.user):
        raise PermissionDenied


def _summary(form: DashboardFilterForm | ReportForm, request: HttpRequest) -> dict | None:
    unit = form.unit()
    if unit is None:
        return None
    return stats_summary(user=request.user, unit=unit, period=form.period())


def _sections(
    form: DashboardFilterForm | ReportForm, summary: dict, request: HttpRequest
) -> list[SectionFigures]:
    """The figures of the apps above (the ledgers) for the same area and period."""
    unit = form.unit()
    assert unit is not None
    today = timezone.localdate()
    return section_figures(request.user, unit, summary["from"], summary["to"], today)


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    form = DashboardFilterForm(request.GET, user=request.user)
    form.is_valid()  # an empty query is valid: the defaults
    return form


def _page(
    request: HttpRequest,
    form: DashboardFilterForm,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = _summary(form, request) if form.is_valid() else None
    if report_form is None:
        report_form = ReportForm(user=request.user, initial={"month": _last_month()})
    context = {
        "form": _shown_form(form, summary, request),
        "active_preset": form.cleaned_data.get("preset") if form.is_valid() else "",
        "summary": summary,
        "sections": _sections(form, summary, request) if summary else [],
        "links": drilldown_links(summary) if summary else {},
        "presets": PRESETS,
        "indicators": indicators,
        "channels": Channel.choices,
        "levels": ReceivedLevel.choices,
        "tables": TABLES,
        "report_form": report_form,
    }
    if not form.is_valid():
        status = 400
    return render(request, "dashboards/dashboard.html", context, status=status)


def _shown_form(
    form: DashboardFilterForm, summary: dict | None, request: HttpRequest
) -> DashboardFilterForm:
    """The filter as shown: with the area and the dates in force once they are valid (a
    preset, or no filter at all, fills the dates in)."""
    if summary is None:
        return form
    initial = {"unit": summary["unit"], "from": summary["from"], "to": summary["to"]}
    return DashboardFilterForm(user=request.user, initial=initial)


def _last_month() -> str:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    return _page(request, _filter_form(request))


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables (`table=all`, the default, or one of `TABLES`) as `.xlsx`."""
    _require_viewer(request)
    form = _filter_form(request)
    table = request.GET.get("table") or "all"
    if table != "all" and table not in TABLES and table not in {s.key for s in sections()}:
        form.add_error(None, _unknown_table())
    summary = _summary(form, request) if form.is_valid() else None
    if summary is None:
        return _page(request, form, status=400)
    # The whole backlog ledger, not the page's oldest hundred.
    ledger = None
    if table in ("all", "backlog"):
        ledger = [
            backlog_row(case) for case in backlog_ledger(request.user, form.unit(), limit=None)
        ]
    content, filename = summary_workbook(summary, table, ledger, _sections(form, summary, request))
    return attachment(content, XLSX_TYPE, filename)


def _unknown_table() -> str:
    return gettext("There is no such table to export.")


@login_required
def report_view(request: HttpRequest) -> HttpResponse:
    """信访工作月报 (`.docx`) for `month=YYYY-MM` and the area `unit`."""
    _require_viewer(request)
    report_form = ReportForm(request.GET, user=request.user)
    summary = _summary(report_form, request) if report_form.is_valid() else None
    if summary is None:
        return _page(request, _filter_form(request), report_form, status=400)
    ledger = backlog_ledger(request.user, report_form.unit(), limit=None)
    content, filename = monthly_report_docx(
        summary,
        [backlog_row(case) for case in ledger],
        sections=_sections(report_form, summary, request),
    )
    return attachment(content, DOCX_TYPE, filename)
