"""Pages of the annual targets (一控制三下降), the year-end assessment and the annual report.
Thin: parse the form, call one selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from core.http import attachment
from core.officialdoc import DOCX_TYPE
from core.pages import forbidden, submit
from dashboards.permissions import can_view_dashboards

from ..events import ledger_events
from ..exports import XLSX_TYPE, assessment_workbook, targets_workbook
from ..models import FACTORS, Ledger
from ..permissions import can_assess, can_set_target
from .annual import annual_report_docx
from .assessment import FACTOR_LABELS, assessment, weights_for
from .forms import TargetFilterForm, TargetForm, WeightsForm, YearAreaForm
from .selectors import (
    METRICS,
    area_units,
    holds_last_year,
    records_begin,
    target_detail,
    target_progress,
)
from .services import target_set, weights_set


def _allowed(request: HttpRequest) -> HttpResponse | None:
    if not can_view_dashboards(request.user):
        return forbidden(
            request, _("The targets and the assessment are for supervisors and leaders.")
        )
    return None


def _progress(form: TargetFilterForm):
    area, year = form.cleaned_data["area"], form.cleaned_data["year"]
    rows = target_progress(area_units(area), year, form.today)
    status = form.cleaned_data.get("status")
    if status == "none":
        rows = [row for row in rows if row.target is None]
    elif status:
        rows = [row for row in rows if row.status == status]
    return area, year, rows


@login_required
@require_GET
def targets_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = TargetFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        context = {"form": form, "rows": [], "metrics": METRICS}
        return render(request, "ledgers/targets/list.html", context, status=400)
    area, year, rows = _progress(form)
    context = {
        "form": form,
        "area": area,
        "year": year,
        "rows": [(row, can_set_target(request.user, row.unit)) for row in rows],
        "metrics": METRICS,
        "query": request.GET.urlencode(),
        **_records(year),
    }
    return render(request, "ledgers/targets/list.html", context)


def _records(year: int) -> dict:
    """Whether the rollup holds the year before `year` whole, for the pages to say so."""
    begin = records_begin()
    return {"records_begin": begin, "holds_last_year": holds_last_year(begin, year)}


@login_required
@require_GET
def targets_export_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = TargetFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return targets_view(request)
    area, year, rows = _progress(form)
    content, filename = targets_workbook(rows, area, year)
    return attachment(content, XLSX_TYPE, filename)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = get_object_or_404(units_visible_to(request.user), code=code)
    back = (
        f"{reverse('ledgers:targets')}?area={unit.parent.code if unit.parent else ''}&year={year}"
    )
    if not can_set_target(request.user, unit):
        return forbidden(request, _("Targets are set by a supervisor of the level above."), back)
    target = target_detail(user=request.user, unit_code=code, year=year)
    initial = {name: getattr(target, name) for name in TargetForm.base_fields} if target else None
    form = TargetForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda: target_set(actor=request.user, unit=unit, year=year, **form.cleaned_data),
        back=back,
        success=_("The targets of %(unit)s for %(year)d are set.")
        % {"unit": unit.name, "year": year},
    )
    if done.response is not None:
        return done.response
    context = {
        "unit": unit,
        "year": year,
        "form": form,
        "target": target,
        "events": ledger_events(Ledger.TARGET, target.pk) if target else [],
        "back": back,
        **_records(year),
    }
    return render(request, "ledgers/targets/edit.html", context, status=done.status)


def _assessment_context(request: HttpRequest, form: YearAreaForm, weights_form=None) -> dict:
    area, year = form.cleaned_data["area"], form.cleaned_data["year"]
    weights = weights_for(area, year)
    may_weigh = can_assess(request.user, area)
    if weights_form is None and may_weigh:
        weights_form = WeightsForm(initial=weights.points)
    return {
        "form": form,
        "area": area,
        "year": year,
        "weights": weights,
        "factors": [(factor, FACTOR_LABELS[factor], weights.points[factor]) for factor in FACTORS],
        "rows": assessment(area, year, form.today, weights.points),
        "weights_form": weights_form if may_weigh else None,
        "query": request.GET.urlencode(),
        "events": ledger_events(Ledger.ASSESSMENT, weights.scheme.pk) if weights.scheme else [],
    }


@login_required
@require_GET
def assessment_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = YearAreaForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "ledgers/targets/assessment.html", {"form": form}, status=400)
    return render(request, "ledgers/targets/assessment.html", _assessment_context(request, form))


@login_required
@require_POST
def assessment_weights_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = YearAreaForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "ledgers/targets/assessment.html", {"form": form}, status=400)
    area: OrgUnit = form.cleaned_data["area"]
    year = form.cleaned_data["year"]
    back = f"{reverse('ledgers:assessment')}?{request.GET.urlencode()}"
    weights_form = WeightsForm(request.POST)
    done = submit(
        request,
        weights_form,
        lambda: weights_set(actor=request.user, unit=area, year=year, weights=weights_form.weights),
        back=back,
        success=_("The assessment's weights for %(year)d are set.") % {"year": year},
    )
    if done.response is not None:
        return done.response
    context = _assessment_context(request, form, weights_form)
    return render(request, "ledgers/targets/assessment.html", context, status=done.status)


@login_required
@require_GET
def assessment_export_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = YearAreaForm(request.GET, user=request.user)
    if not form.is_valid():
        return assessment_view(request)
    area, year = form.cleaned_data["area"], form.cleaned_data["year"]
    weights = weights_for(area, year).points
    rows = assessment(area, year, form.today, weights)
    content, filename = assessment_workbook(rows, weights, area, year)
    return attachment(content, XLSX_TYPE, filename)


@login_required
@require_GET
def annual_report_view(request: HttpRequest) -> HttpResponse:
    if (refused := _allowed(request)) is not None:
        return refused
    form = YearAreaForm(request.GET, user=request.user)
    if not form.is_valid() or form.cleaned_data["year"] > form.today.year:
        if form.is_valid():
            form.add_error("year", _("The year has not begun."))
        return render(request, "ledgers/targets/assessment.html", {"form": form}, status=400)
    content, filename = annual_report_docx(
        request.user, form.cleaned_data["area"], form.cleaned_data["year"]
    )
    return attachment(content, DOCX_TYPE, filename)


urlpatterns = [
    path("targets/", targets_view, name="targets"),
    path("targets/export.xlsx", targets_export_view, name="targets_export"),
    path("targets/<str:code>/<int:year>/", target_edit_view, name="target_edit"),
    path("assessment/", assessment_view, name="assessment"),
    path("assessment/weights/", assessment_weights_view, name="assessment_weights"),
    path("assessment/export.xlsx", assessment_export_view, name="assessment_export"),
    path("annual-report.docx", annual_report_view, name="annual_report"),
]
