"""信访工作月报: the month's figures of an area as an official document (`core.officialdoc`).

The text is fixed official Chinese whatever the interface language; the definitions of the
indicators are those of the page (`indicators.py`), read in Chinese. Units and leaders are
named; no petitioner, ID number or phone number ever is (a case summary is masked all the
same).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import override

from accounts.models import OrgKind, OrgUnit
from core.identity import mask_personal_data
from core.officialdoc import OfficialDocument, Section, Table, official_date, officialdoc_docx

from . import indicators
from .indicators import percent
from .sections import SectionFigures

TITLE = "信访工作月报"
OFFICE_SUFFIX = "信访工作联席会议办公室"
# The language the definitions are read in.
DOCUMENT_LANGUAGE = "zh-hans"

VOLUME_NAMES = {"batches": "信访批次", "persons": "信访人次"}
RATE_NAMES = {
    "timely_acceptance_rate": "及时受理率",
    "on_time_rate": "按期办结率",
    "completion_rate": "办结率",
    "resolution_rate": "化解率",
    "satisfaction_rate": "满意率",
    "participation_rate": "参评率",
    "one_time_rate": "初信初访一次性化解率",
}
WORK_NAMES = {
    "open": "在办信访事项",
    "due_soon": "临期信访事项",
    "overdue": "超期信访事项",
    "backlog": "信访积案",
}
CHANNEL_NAMES = {"letter": "来信", "visit": "走访", "online": "网上信访", "phone": "电话"}
LEVEL_NAMES = {"national": "进京", "province": "赴省", "city": "到市", "district": "到区县"}
SPECIAL_NAMES = {
    "skip_level": "越级访",
    "group": "集体访",
    "repeat": "重复访",
    "first_time": "初信初访",
}
NO_FIGURE = "—"
# The one row of a table with nothing to show.
NONE_ROW = "本期无"


def rate_text(numerator: int, denominator: int) -> str:
    """50.0%（2/4）, from the parts themselves; — without a denominator."""
    if not denominator:
        return NO_FIGURE
    return f"{numerator * 100 / denominator:.1f}%（{numerator}/{denominator}）"


def change_words(change: float | None) -> str:
    """A change against an earlier period in words: 上升12.5%, 下降20.0%, 持平, 无可比数据."""
    if change is None:
        return "无可比数据"
    if change == 0:
        return "持平"
    return f"{'上升' if change > 0 else '下降'}{percent(abs(change))}"


def pair_text(pair: dict) -> str:
    return f"{pair['batches']}批{pair['persons']}人次"


def _definition(indicator: indicators.Indicator) -> str:
    with override(DOCUMENT_LANGUAGE):
        return str(indicator.definition)


def issuing_unit(summary: dict) -> str:
    """A government's area reports through its joint conference office (联席会议办公室); any
    other unit in its own name."""
    kind = OrgUnit.objects.filter(code=summary["unit"]).values_list("kind", flat=True).first()
    name = summary["unit_name"]
    return f"{name}{OFFICE_SUFFIX}" if kind == OrgKind.GOVERNMENT else name


# --- sections -------------------------------------------------------------------------------


def _overview(summary: dict, month: str, today: datetime.date) -> Section:
    s = summary
    online = s["by_channel"]["online"]["batches"]
    rates = "，".join(
        f"{name}{rate_text(*s['rate_parts'][key])}" for key, name in RATE_NAMES.items()
    )
    return Section(
        "一、总体情况",
        [
            f"{month}，{s['unit_name']}共登记群众信访{pair_text(s)}。"
            f"批次同比{change_words(s['batches_yoy'])}、环比{change_words(s['batches_mom'])}；"
            f"人次同比{change_words(s['persons_yoy'])}、环比{change_words(s['persons_mom'])}。"
            f"去年同期{pair_text(s['last_year'])}，上期{pair_text(s['previous'])}。"
            f"网上信访{online}批，占{percent(s['online_share'])}。",
            f"本期{rates}。",
            f"截至{official_date(today)}，在办信访事项{s['open']}件，其中临期{s['due_soon']}件、"
            f"超期{s['overdue']}件；信访积案{s['backlog']['count']}件。各项指标及口径见表1。",
        ],
    )


def _channels_and_levels(summary: dict) -> Section:
    channels = "，".join(
        f"{name}{pair_text(summary['by_channel'][key])}" for key, name in CHANNEL_NAMES.items()
    )
    levels = "，".join(
        f"{name}{pair_text(summary['by_level'][key])}" for key, name in LEVEL_NAMES.items()
    )
    special = "，".join(f"{name}{pair_text(summary[key])}" for key, name in SPECIAL_NAMES.items())
    return Section(
        "二、信访渠道与层级",
        [
            f"从信访渠道看，{channels}。",
            f"从信访层级看，{levels}。",
            f"{special}。详见表2。",
        ],
    )


def _hot_issues(summary: dict) -> Section:
    rows = summary["top_categories"]
    if not rows:
        return Section("三、热点问题", ["本期无信访事项登记。"])
    issues = "、".join(f"{row['name']}（{row['batches']}批）" for row in rows[:5])
    return Section("三、热点问题", [f"本期信访量居前的问题依次为：{issues}。详见表3。"])


def _ranking(summary: dict) -> Section:
    rows = summary["unit_ranking"]
    if not rows:
        return Section("四、单位排名", ["本期下级单位无办结信访事项，不作排名。"])
    text = f"按按期办结率、满意率和办结件数，{len(rows)}个下级单位中{rows[0]['name']}排名第一位"
    if len(rows) > 1:
        text += f"，{rows[-1]['name']}排名末位"
    return Section("四、单位排名", [f"{text}。详见表4。"])


def _backlog(summary: dict, backlog_rows: list[dict], today: datetime.date) -> Section:
    count = summary["backlog"]["count"]
    if not count:
        return Section("五、积案台账", [f"截至{official_date(today)}，无信访积案。"])
    sponsored = sum(1 for row in backlog_rows if row["sponsoring_leader"])
    return Section(
        "五、积案台账",
        [
            f"截至{official_date(today)}，共有信访积案{count}件，"
            f"其中已明确包案领导{sponsored}件、尚未明确{count - sponsored}件。详见表5。"
        ],
    )


# --- tables ---------------------------------------------------------------------------------


def _indicator_table(summary: dict) -> Table:
    rows = [[VOLUME_NAMES[i.key], str(summary[i.key]), _definition(i)] for i in indicators.VOLUME]
    rows += [
        [RATE_NAMES[i.key], rate_text(*summary["rate_parts"][i.key]), _definition(i)]
        for i in indicators.RATES
    ]
    online = summary["by_channel"]["online"]["batches"]
    rows.append(
        [
            "网上信访占比",
            rate_text(online, summary["batches"]),
            _definition(indicators.ONLINE_SHARE),
        ]
    )
    work = {key: summary[key] for key in ("open", "due_soon", "overdue")}
    work["backlog"] = summary["backlog"]["count"]
    rows += [[WORK_NAMES[i.key], str(work[i.key]), _definition(i)] for i in indicators.WORK]
    return Table("表1 主要指标", ["指标", "本期", "口径说明"], rows)


def _channel_table(summary: dict) -> Table:
    groups = [
        ("信访渠道", CHANNEL_NAMES, summary["by_channel"]),
        ("信访层级", LEVEL_NAMES, summary["by_level"]),
        ("重点信访", SPECIAL_NAMES, summary),
    ]
    rows = [
        [group, name, str(figures[key]["batches"]), str(figures[key]["persons"])]
        for group, names, figures in groups
        for key, name in names.items()
    ]
    rows.append(["合计", "", str(summary["batches"]), str(summary["persons"])])
    return Table("表2 信访渠道与层级", ["类别", "项目", "批次", "人次"], rows)


def _category_table(summary: dict) -> Table:
    rows = [
        [
            str(position),
            row["name"],
            str(row["batches"]),
            str(row["persons"]),
            change_words(row["change"]),
            change_words(row["yoy"]),
        ]
        for position, row in enumerate(summary["top_categories"], start=1)
    ]
    return Table(
        "表3 热点问题", ["序号", "问题分类", "批次", "人次", "环比", "同比"], rows or [[NONE_ROW]]
    )


def _ranking_table(summary: dict) -> Table:
    rows = [
        [
            str(row["rank"]),
            row["name"],
            str(row["answered"]),
            rate_text(row["on_time"], row["answered"]),
            rate_text(row["satisfied"], row["evaluated"]),
        ]
        for row in summary["unit_ranking"]
    ]
    return Table(
        "表4 单位排名", ["排名", "单位", "办结件数", "按期办结率", "满意率"], rows or [[NONE_ROW]]
    )


def _backlog_table(backlog_rows: list[dict]) -> Table:
    rows = [
        [
            row["number"],
            mask_personal_data(row["summary"] or ""),
            row["owner_unit"],
            official_date(row["received_on"]),
            str(row["petitions"]),
            row["sponsoring_leader"] or "未明确",
        ]
        for row in backlog_rows
    ]
    return Table(
        "表5 积案台账",
        ["事项编号", "内容摘要", "承办单位", "首次信访", "信访次数", "包案领导"],
        rows or [[NONE_ROW]],
    )


# The numbers of the report's sections, in official order (一 … 十, 十一 … 十九: the five of
# its own and those of the apps' sections, which are more than five).
DIGITS = "一二三四五六七八九"
SECTION_NUMBERS = [*DIGITS, "十", *(f"十{digit}" for digit in DIGITS)]


def _extra(sections: list[SectionFigures]) -> tuple[list[Section], list[Table]]:
    """The sections of the apps above (the ledgers), numbered after the report's own five
    sections and tables."""
    texts, tables = [], []
    for index, figures in enumerate(sections):
        number = SECTION_NUMBERS[5 + index] if 5 + index < len(SECTION_NUMBERS) else str(6 + index)
        paragraphs = [figures.report_text]
        if figures.report_table is not None:
            title, header = figures.report_table
            rows = figures.table_text
            table_title = f"表{6 + len(tables)} {title}"
            paragraphs.append(f"详见{table_title.split()[0]}。")
            tables.append(Table(table_title, header, rows or [[NONE_ROW]]))
        texts.append(Section(f"{number}、{figures.report_heading}", paragraphs))
    return texts, tables


def monthly_report_document(
    summary: dict,
    backlog_rows: list[dict] | None = None,
    today: datetime.date | None = None,
    sections: list[SectionFigures] | None = None,
) -> OfficialDocument:
    """The monthly report of `summary` (a month of an area, `stats_summary`) as an official
    document. `backlog_rows` (`backlog_row` of each case) gives the whole backlog ledger; by
    default the summary's own rows (the oldest 100). `sections`: the ledgers' figures for the
    same area and month (`dashboards.sections`), each a section and a table after the five."""
    today = today or timezone.localdate()
    extra_sections, extra_tables = _extra(sections or [])
    if backlog_rows is None:
        backlog_rows = summary["backlog"]["cases"]
    start = summary["from"]
    month = f"{start.year}年{start.month}月"
    tables = [
        _indicator_table(summary),
        _channel_table(summary),
        _category_table(summary),
        _ranking_table(summary),
        _backlog_table(backlog_rows),
        *extra_tables,
    ]
    return OfficialDocument(
        title=TITLE,
        number=f"{start.year}年第{start.month}期",
        addressee="",
        opening=[f"现将{summary['unit_name']}{month}信访工作情况通报如下："],
        sections=[
            _overview(summary, month, today),
            _channels_and_levels(summary),
            _hot_issues(summary),
            _ranking(summary),
            _backlog(summary, backlog_rows, today),
            *extra_sections,
        ],
        tables=tables,
        issuing_unit=issuing_unit(summary),
        # Dated the day it is drawn up: the open work and the backlog are counted that day.
        date=today,
        name=f"{TITLE}-{summary['unit']}-{start:%Y-%m}.docx",
    )


def monthly_report_docx(
    summary: dict,
    backlog_rows: list[dict] | None = None,
    sections: list[SectionFigures] | None = None,
) -> tuple[bytes, str]:
    """信访工作月报 for the month of `summary`, as a `.docx` file and its name."""
    document = monthly_report_document(summary, backlog_rows, sections=sections)
    return officialdoc_docx(document), document.filename
