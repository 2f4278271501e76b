"""The ledgers as `.xlsx` workbooks: a title row, a bold header frozen in place, one row per
entry with dates as dates. Parties are named as on the page (a screening names the sides of a
dispute); any ID or mobile number typed into a free text is masked."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import OrgUnit
from cases.models import Case, Opinion
from core.identity import mask_personal_data
from dashboards.exports import sheet_name

from .models import FACTORS, BacklogEntry, DisputeItem, PartyRole, UrgentReport
from .targets.assessment import FACTOR_LABELS
from .targets.selectors import METRICS, status_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
# Rows written per database round trip.
CHUNK = 2000


def _workbook(title: str, header: list[str], rows: Iterable[list], widths: list[int]) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_name(title)
    ws.append([f"{title}（{timezone.localtime():%Y-%m-%d %H:%M}）"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text is never a formula
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parties(item: DisputeItem, role: str) -> str:
    return "、".join(p["name"] for p in item.parties if p.get("role") == role)


def disputes_workbook(disputes: QuerySet[DisputeItem]) -> tuple[bytes, str]:
    """The dispute ledger (矛盾纠纷排查化解台账) as filtered, whole: the file and its name."""
    header = [
        gettext("Ledger number"),
        gettext("Found on"),
        gettext("Found by"),
        gettext("Kind of dispute"),
        gettext("Applicant side"),
        gettext("Respondent side"),
        gettext("Place"),
        gettext("Summary"),
        gettext("Risk level"),
        gettext("Responsible unit"),
        gettext("Person responsible"),
        gettext("Measures"),
        gettext("Resolve by"),
        gettext("State"),
        gettext("Resolved by"),
        gettext("Ended on"),
        gettext("Outcome"),
    ]
    rows = (
        [
            item.number,
            item.found_on,
            item.unit.name,
            item.get_kind_display(),
            _parties(item, PartyRole.APPLICANT),
            _parties(item, PartyRole.RESPONDENT),
            item.place,
            mask_personal_data(item.summary),
            item.get_risk_level_display(),
            item.responsible_unit.name,
            item.responsible_person,
            mask_personal_data(item.measures),
            item.due_on,
            item.get_status_display(),
            item.get_method_display() if item.method else "",
            item.ended_on,
            mask_personal_data(item.outcome),
        ]
        for item in disputes.select_related("unit", "responsible_unit").iterator(CHUNK)
    )
    widths = [24, 11, 16, 14, 16, 16, 20, 40, 10, 16, 10, 30, 11, 12, 12, 11, 30]
    title = gettext("Dispute screening and resolution ledger")
    content = _workbook(title, header, rows, widths)
    return content, f"矛盾纠纷排查化解台账-{timezone.localdate():%Y-%m-%d}.xlsx"


def urgent_workbook(reports: QuerySet[UrgentReport]) -> tuple[bytes, str]:
    """The information reports (信访信息专报) as filtered, whole: the file and its name."""
    header = [
        gettext("Report number"),
        gettext("Case number"),
        gettext("Gravity"),
        gettext("Why it is major or urgent"),
        gettext("Reporting unit"),
        gettext("Flagged at"),
        gettext("Information report due"),
        gettext("Reported at"),
        gettext("State"),
        gettext("Recipients"),
    ]

    def local(moment):
        return timezone.localtime(moment).replace(tzinfo=None) if moment else None

    rows = (
        [
            report.number,
            report.case.number,
            report.get_gravity_display(),
            mask_personal_data(report.reason),
            report.reporting_unit.name,
            local(report.flagged_at),
            local(report.report_due_at),
            local(report.issued_at),
            report.get_status_display(),
            "、".join(
                f"{r.unit.name}{'（' + gettext('acknowledged') + '）' if r.acknowledged_at else ''}"
                for r in report.recipients.all()
            ),
        ]
        for report in reports.select_related("case", "reporting_unit")
        .prefetch_related("recipients__unit")
        .iterator(CHUNK)
    )
    widths = [26, 22, 8, 40, 18, 17, 17, 17, 14, 40]
    title = gettext("Major and urgent matters: information reports")
    content = _workbook(title, header, rows, widths)
    return content, f"信访信息专报-{timezone.localdate():%Y-%m-%d}.xlsx"


def backlog_workbook(entries: QuerySet[BacklogEntry]) -> tuple[bytes, str]:
    """The backlog ledger (积案台账) as filtered, whole: the file and its name. `entries` come
    with the case, the lead unit, the sponsor and the group flag (`entry_list`)."""
    yes, no = gettext("Yes"), gettext("No")
    header = [
        gettext("Assignment sheet number"),
        gettext("Case number"),
        gettext("Summary"),
        gettext("Owner unit"),
        gettext("Group case"),
        gettext("Put on the ledger on"),
        gettext("Backlog case by the rule"),
        gettext("Reason"),
        gettext("Lead unit"),
        gettext("Sponsoring leader"),
        gettext("Responsible persons"),
        gettext("Plan"),
        gettext("Resolve by"),
        gettext("Extended on"),
        gettext("Latest progress report"),
        gettext("State"),
        gettext("Outcome on"),
        gettext("Outcome"),
    ]
    rows = (
        [
            entry.number,
            entry.case.number,
            mask_personal_data(entry.case.summary),
            entry.case.owner_unit.name,
            yes if entry.group else no,  # type: ignore[attr-defined]
            entry.placed_on,
            yes if entry.candidate else no,
            mask_personal_data(entry.reason),
            entry.lead_unit.name,
            entry.sponsoring_leader.display_name if entry.sponsoring_leader else "",
            entry.responsible_persons,
            mask_personal_data(entry.plan),
            entry.due_on,
            entry.extended_on,
            entry.last_progress_on,
            entry.get_status_display(),
            entry.ended_on,
            mask_personal_data(entry.outcome_note),
        ]
        for entry in entries.select_related("case__owner_unit").iterator(CHUNK)
    )
    widths = [24, 22, 40, 16, 8, 11, 8, 24, 16, 10, 20, 40, 11, 11, 11, 12, 11, 30]
    title = gettext("Backlog ledger")
    content = _workbook(title, header, rows, widths)
    return content, f"积案台账-{timezone.localdate():%Y-%m-%d}.xlsx"


def targets_workbook(progress: list, area: OrgUnit, year: int) -> tuple[bytes, str]:
    """The annual targets of the area's units and where each stands (`targets.selectors`)."""
    header = [gettext("Unit"), gettext("Ceiling (batches)")]
    for metric in METRICS:
        header += [
            f"{metric.label}：{gettext('this year')}",
            f"{metric.label}：{gettext('last year by the same day')}",
            f"{metric.label}：{gettext('allowed this year')}",
            f"{metric.label}：{gettext('status')}",
        ]
    header.append(gettext("Status"))
    rows = []
    for unit_progress in progress:
        target = unit_progress.target
        row: list = [unit_progress.unit.name, target.batch_ceiling if target else None]
        for metric in unit_progress.metrics or [None] * len(METRICS):
            if metric is None:
                row += [None, None, None, ""]
            else:
                row += [
                    metric.actual,
                    metric.last_year_to_date,
                    metric.allowed_whole,
                    status_label(metric.status),
                ]
        row.append(status_label(unit_progress.status))
        rows.append(row)
    widths = [20, 10, *([10, 10, 10, 8] * len(METRICS)), 10]
    title = gettext("Annual targets %(year)d") % {"year": year}
    return _workbook(title, header, rows, widths), f"年度目标-{area.code}-{year}.xlsx"


def assessment_workbook(rows: list, weights: dict, area: OrgUnit, year: int) -> tuple[bytes, str]:
    """The year-end assessment's ranked table (`targets.assessment`)."""
    header = [gettext("Rank"), gettext("Unit"), gettext("Score")]
    for factor in FACTORS:
        label = FACTOR_LABELS[factor]
        header += [f"{label}（{weights[factor]}）", f"{label}：{gettext('points')}"]
    body = []
    for row in rows:
        line: list = [row.rank, row.unit.name, row.score]
        for factor in FACTORS:
            value, points = row.values.get(factor), row.points.get(factor)
            line += [
                None if value is None else round(value * 100, 1),
                None if points is None else round(points, 2),
            ]
        body.append(line)
    widths = [6, 20, 8, *([12, 10] * len(FACTORS))]
    title = gettext("Year-end assessment %(year)d") % {"year": year}
    return _workbook(title, header, body, widths), f"年度考核-{area.code}-{year}.xlsx"


def suggestions_workbook(cases: QuerySet[Case], *, today: datetime.date) -> tuple[bytes, str]:
    """The register of people's suggestions (人民建议台账) as filtered, whole: the file and
    its name. `cases` come with their answers and commendations (`suggestion_register`)."""
    yes, no = gettext("Yes"), gettext("No")
    header = [
        gettext("Case number"),
        gettext("Summary"),
        gettext("Category"),
        gettext("Competent unit"),
        gettext("Received on"),
        gettext("Answer due"),
        gettext("State"),
        gettext("Answered on"),
        gettext("Decision"),
        gettext("Late"),
        gettext("Commendations"),
    ]
    decisions = dict(Opinion.choices)

    def late(case) -> bool:
        if case.answered_on_time is False:
            return True
        return case.answered_on is None and case.answer_due is not None and case.answer_due < today

    rows = (
        [
            case.number,
            mask_personal_data(case.summary),
            case.category_name or "",
            case.owner_unit.name,
            timezone.localdate(case.received_at),
            case.answer_due,
            gettext("Answered") if case.answered_on else gettext("Being studied"),
            case.answered_on,
            str(decisions.get(case.decision, "")) if case.decision else "",
            yes if late(case) else no,
            "；".join(
                f"{c.get_kind_display()}（{c.granting_unit.name}，{c.granted_on:%Y-%m-%d}）"
                for c in case.suggestion_commendations.all()
            ),
        ]
        for case in cases.iterator(CHUNK)
    )
    widths = [22, 40, 16, 18, 11, 11, 10, 11, 10, 6, 40]
    title = gettext("People's suggestions")
    content = _workbook(title, header, rows, widths)
    return content, f"人民建议台账-{timezone.localdate():%Y-%m-%d}.xlsx"
