"""The documents the monthly ranking brings on a unit: the rectification notice (限期整改督查
通知书) after two months running in the bottom three, and the notice to hand in a written
self-examination (书面检查) from the third month on. Laid out by `core.officialdoc`; the text
is fixed official Chinese whatever the interface language, and names units only."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import OrgKind, OrgUnit
from core.officialdoc import OfficialDocument, Section, Table, official_date

from ..models import RankingNotice, RankingNoticeKind, UnitRanking
from .selectors import notice_issuer, streak_rankings

TITLES = {
    RankingNoticeKind.RECTIFICATION: "限期整改督查通知书",
    RankingNoticeKind.SELF_EXAMINATION: "责令书面检查通知书",
}


def percent(part: int, whole: int) -> str:
    """87.5% (one decimal, none when whole); — without a base."""
    if not whole:
        return "—"
    value = round(part * 100 / whole, 1)
    return f"{value:g}%"


def month_text(row: UnitRanking) -> str:
    return f"{row.month.year}年{row.month.month}月"


def _figures(row: UnitRanking) -> str:
    if row.handled:
        answered = (
            f"办结信访事项{row.handled}件，其中按期办结{row.on_time}件，"
            f"按期办结率{percent(row.on_time, row.handled)}"
        )
    else:
        answered = "未办结信访事项"
    if row.evaluated:
        evaluated = (
            f"回访评价{row.evaluated}件，满意（含基本满意）{row.satisfied}件，"
            f"满意率{percent(row.satisfied, row.evaluated)}"
        )
    else:
        evaluated = "无回访评价"
    return (
        f"{month_text(row)}，你单位{answered}；超期{row.overdue}件；{evaluated}；"
        f"在参加排名的责任单位中列第{row.rank}位，处于后三位。"
    )


def _table(rows: list[UnitRanking]) -> Table:
    return Table(
        caption="附表：连续排名后三位情况",
        header=["月份", "排名", "办结件数", "按期办结率", "超期件数", "满意率"],
        rows=[
            [
                month_text(row),
                f"第{row.rank}位",
                str(row.handled),
                percent(row.on_time, row.handled),
                str(row.overdue),
                percent(row.satisfied, row.evaluated),
            ]
            for row in rows
        ],
    )


def _government_name(unit: OrgUnit) -> str:
    """The government a department belongs to (抄送), empty for a government itself."""
    parent = unit.parent
    if unit.kind == OrgKind.GOVERNMENT or parent is None:
        return ""
    return parent.official_name


def ranking_notice_document(notice: RankingNotice) -> OfficialDocument:
    """The notice as an official document: the figures of every month of the streak, what is
    required and by when, issued by the unit that numbered it."""
    unit = notice.unit
    rows = streak_rankings(notice)
    issuer = notice_issuer(notice)
    issuer_name = issuer.official_name if issuer else ""
    months = rows[-1].bottom_streak if rows else 0
    month = f"{notice.month.year}年{notice.month.month}月"
    due = official_date(notice.due_on)
    opening = [
        f"根据{month}信访工作责任单位排名通报，你单位已连续{months}个月"
        "在按期办结率、群众满意率等排名中处于后三位，信访工作责任落实不到位。"
    ]
    problems = Section("一、存在的问题", [_figures(rows[-1])] if rows else [])
    if notice.kind == RankingNoticeKind.RECTIFICATION:
        opening.append(
            "根据《信访工作条例》和信访工作责任制有关规定，现对你单位进行督查，责令限期整改。"
        )
        requirements = Section(
            "二、整改要求",
            [
                "（一）对照排名情况，逐件梳理超期和未按期办结的信访事项，查明原因，落实责任。",
                "（二）对仍在办理中的信访事项倒排时间、限时办结，确保不再发生超期。",
                "（三）加强答复后的回访工作，切实提高群众满意率。",
                f"（四）请于{due}前将整改情况书面报送{issuer_name or '本机关'}。",
            ],
        )
    else:
        opening.append("根据《信访工作条例》和信访工作责任制有关规定，责令你单位作出书面检查。")
        requirements = Section(
            "二、检查要求",
            [
                "（一）书面检查应当深刻剖析连续排名靠后的原因，明确整改措施、责任人和完成时限。",
                "（二）书面检查须经你单位主要负责人签字。",
                f"（三）请于{due}前将书面检查报送{issuer_name or '本机关'}。",
            ],
        )
    return OfficialDocument(
        title=TITLES[notice.kind],
        number=notice.number,
        addressee=unit.name,
        opening=opening,
        sections=[problems, requirements],
        tables=[_table(rows)] if rows else [],
        closing=["特此通知。"],
        issuing_unit=issuer_name,
        date=timezone.localdate(notice.created_at),
        copy_to=_government_name(unit),
    )
