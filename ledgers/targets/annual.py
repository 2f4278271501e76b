"""信访情况年度报告 (Art. 41): a year of an area as an official document (`core.officialdoc`),
from the petition office to its own Party committee and government and to the petition office
one level up.

Art. 41 says what it holds, and so do its sections: (一) the figures, the fields the matters
concern and the units most complained of; (二) forwarding, assignment and supervision; (三) the
suggestions made to improve work and policy, and how they were taken up; (四) anything else to
report: the annual targets, the year-end assessment and every ledger's year (the dashboard's
sections, `core.sections`). The year under way runs to today. Fixed official Chinese, whatever
the interface language; units and leaders are named, never a petitioner (summaries are not
quoted at all).
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import override

from accounts.models import OrgUnit, User
from accounts.selectors import subtree_ids
from cases.models import Case, CaseEvent, EventKind
from core.officialdoc import (
    OfficialDocument,
    Section,
    Table,
    chinese_numeral,
    officialdoc_docx,
)
from core.sections import SectionFigures, percent, section_figures
from core.workcalendar import start_of_day
from dashboards.periods import Period
from dashboards.report import (
    change_words,
    issuing_unit,
    pair_text,
    rate_text,
    report_tables,
)
from dashboards.selectors import stats_summary

from ..models import FACTORS
from .assessment import FACTOR_NAMES, assessment, weights_for
from .figures import KEY as TARGETS_KEY
from .selectors import year_window

TITLE = "信访情况年度报告"
NONE_ROW = "本年度无"
# The sections that have a place of their own in the report (the rest go under 其他).
SUPERVISION, SUGGESTIONS = "supervision", "suggestions"


def _most_complained(unit: OrgUnit, start: datetime.date, end: datetime.date) -> list[list[str]]:
    """The units of the area that own the most matters received in the year (five)."""
    rows = (
        Case.objects.filter(
            owner_unit_id__in=subtree_ids(unit),
            received_at__gte=start_of_day(start),
            received_at__lt=start_of_day(end + datetime.timedelta(days=1)),
        )
        .values("owner_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_unit__name")[:5]
    )
    return [
        [str(place), row["owner_unit__name"], str(row["n"])] for place, row in enumerate(rows, 1)
    ]


def _handed_on(unit: OrgUnit, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Matters the area's units forwarded (转送) and assigned (交办) in the year."""
    counts = dict(
        CaseEvent.objects.filter(
            actor_unit_id__in=subtree_ids(unit),
            kind__in=[EventKind.FORWARDED, EventKind.ASSIGNED],
            effective_on__range=(start, end),
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
        .order_by()
    )
    return {kind: counts.get(kind, 0) for kind in (EventKind.FORWARDED, EventKind.ASSIGNED)}


def _assessment_table(rows, weights: dict[str, int], number: int) -> Table:
    header = ["名次", "单位", "得分", *(f"{FACTOR_NAMES[f]}（{weights[f]}分）" for f in FACTORS)]
    body = [
        [
            str(row.rank) if row.rank else "—",
            row.unit.name,
            f"{row.score:.2f}" if row.score is not None else "—",
            *(percent(row.values.get(factor)) for factor in FACTORS),
        ]
        for row in rows
    ]
    return Table(f"表{number} 年度考核排名", header, body or [[NONE_ROW]])


def annual_report_document(
    user: User, unit: OrgUnit, year: int, today: datetime.date | None = None
) -> OfficialDocument:
    """The annual report of the area of `unit` (in the user's scope) for `year`."""
    today = today or timezone.localdate()
    window = year_window(year, today)
    if window is None:
        raise ValueError(f"The year {year} has not begun.")
    start, end = window
    with override("zh-hans"):
        summary = stats_summary(user=user, unit=unit, period=Period(start, end, 12), today=today)
        sections = {
            figures.key: figures for figures in section_figures(user, unit, start, end, today)
        }
        weights = weights_for(unit, year).points
        assessed = assessment(unit, year, today, weights)
    span = (
        f"{year}年"
        if end.month == 12 and end.day == 31
        else f"{year}年1月1日至{end.month}月{end.day}日"
    )
    tables = report_tables(summary)
    complained = _most_complained(unit, start, end)
    complained_number = len(tables) + 1
    tables.append(
        Table(
            f"表{complained_number} 被投诉较多的单位",
            ["序号", "单位", "信访事项"],
            complained or [[NONE_ROW]],
        )
    )
    handed = _handed_on(unit, start, end)

    def section_table(figures: SectionFigures | None) -> str:
        if figures is None or figures.report_table is None:
            return ""
        caption, header = figures.report_table
        tables.append(
            Table(f"表{len(tables) + 1} {caption}", header, figures.table_text or [[NONE_ROW]])
        )
        return f"详见表{len(tables)}。"

    rates = "，".join(
        f"{name}{rate_text(*summary['rate_parts'][key])}"
        for key, name in (
            ("on_time_rate", "按期办结率"),
            ("resolution_rate", "化解率"),
            ("satisfaction_rate", "满意率"),
        )
    )
    body: list[Section] = []

    def add(heading: str, paragraphs: list[str]) -> None:
        body.append(
            Section(f"{chinese_numeral(len(body) + 1)}、{heading}", [p for p in paragraphs if p])
        )

    add(
        "信访事项数据统计",
        [
            f"{span}，{unit.name}共登记群众信访{pair_text(summary)}，"
            f"批次同比{change_words(summary['batches_yoy'])}，去年同期{pair_text(summary['last_year'])}。"
            f"其中越级访{pair_text(summary['skip_level'])}，集体访{pair_text(summary['group'])}，"
            f"重复访{pair_text(summary['repeat'])}；进京{pair_text(summary['by_level']['national'])}，"
            f"赴省{pair_text(summary['by_level']['province'])}。",
            f"全年{rates}。各项指标及口径见表1，渠道与层级见表2。",
        ],
    )
    categories = "、".join(
        f"{row['name']}（{row['batches']}批）" for row in summary["top_categories"][:5]
    )
    units = "、".join(f"{row[1]}（{row[2]}件）" for row in complained)
    add(
        "信访事项涉及领域及被投诉较多的机关、单位",
        [
            f"信访事项主要涉及{categories}，详见表3。" if categories else "本年度无信访事项登记。",
            f"信访事项较多的单位依次为{units}，详见表{complained_number}。" if units else "",
        ],
    )
    supervision = sections.pop(SUPERVISION, None)
    add(
        "转送、交办、督办情况",
        [
            f"全年转送信访事项{handed[EventKind.FORWARDED]}件，交办{handed[EventKind.ASSIGNED]}件。",
            supervision.report_text if supervision else "",
            section_table(supervision),
        ],
    )
    suggestions = sections.pop(SUGGESTIONS, None)
    add(
        "提出改进工作、完善政策、追究责任建议及被采纳情况",
        [
            suggestions.report_text if suggestions else "本年度未提出改进工作、完善政策的建议。",
            section_table(suggestions),
        ],
    )
    targets = sections.pop(TARGETS_KEY, None)
    add("年度目标完成情况", [targets.report_text if targets else "", section_table(targets)])
    ranked = [row for row in assessed if row.rank]
    weights_text = "、".join(f"{FACTOR_NAMES[f]}{weights[f]}分" for f in FACTORS)
    tables.append(_assessment_table(assessed, weights, len(tables) + 1))
    add(
        "年度考核情况",
        [
            f"按{weights_text}进行考核，{len(ranked)}个下级单位参加排名，"
            f"{ranked[0].unit.name}位列第一，{ranked[-1].unit.name}位列末位。详见表{len(tables)}。"
            if len(ranked) > 1
            else f"本年度参加考核排名的下级单位{len(ranked)}个。详见表{len(tables)}。",
        ],
    )
    others = [
        f"{figures.report_heading}：{figures.report_text}{section_table(figures)}"
        for figures in sections.values()
    ]
    add("其他应当报告的事项", others or ["无。"])
    return OfficialDocument(
        title=f"{unit.name}{year}年{TITLE}",
        number=f"{year}年度",
        addressee="本级党委和政府、上一级党委和政府信访部门",
        opening=[f"根据《信访工作条例》第四十一条，现将{unit.name}{span}信访工作情况报告如下："],
        sections=body,
        tables=tables,
        closing=["特此报告。"],
        issuing_unit=issuing_unit(summary),
        date=today,
        name=f"{TITLE}-{unit.code}-{year}.docx",
    )


def annual_report_docx(user: User, unit: OrgUnit, year: int) -> tuple[bytes, str]:
    document = annual_report_document(user, unit, year)
    return officialdoc_docx(document), document.filename
