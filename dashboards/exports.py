"""The dashboard's tables as an `.xlsx` workbook: one sheet per table (`TABLES`), each with a
title row (the table, the area, the period, when the figures were refreshed), a bold header
frozen in place and the rows of `stats_summary` as real numbers: counts as integers, rates and
changes as fractions shown as percentages, no value as an empty cell.

The labels and definitions are those of the page (`indicators.py`), in the user's language.
The summary holds no ID number or phone number; the one free text (a backlog case's summary)
is masked all the same.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.identity import mask_personal_data
from petitions.models import Channel, ReceivedLevel

from . import indicators
from .sections import SectionFigures
from .selectors import ratio

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TABLES: dict[str, Promise] = {
    "indicators": _("Indicators"),
    "channels": _("Petitions by channel"),
    "levels": _("Petitions by receiving level"),
    "special": _("Key petition types"),
    "categories": _("Top issues"),
    "ranking": _("Unit ranking"),
    "backlog": _("Backlog ledger"),
    "trend": _("Monthly trend"),
}

ONLINE_SHARE = indicators.ONLINE_SHARE

# Petitions are counted in batches (批次) and persons (人次).
BATCHES = _("Batches")
PERSONS = _("Person-times")
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
# Column widths, in Excel's character units (a Chinese character counts two).
MIN_WIDTH, MAX_WIDTH, LONG_WIDTH = 8, 40, 60
FILENAME_PREFIX = "信访统计"


@dataclass(frozen=True)
class Column:
    """A column: its header and the kind of its values: "text", "long" (wrapped text),
    "int", "rate" (a fraction shown as a percentage) or "date"."""

    label: Promise | str
    kind: str = "int"


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    # What the table counts, under it.
    note: Promise | str = ""
    # (row, column) of the cells holding a rate in a column of counts.
    rate_cells: set[tuple[int, int]] = field(default_factory=set)


# --- the tables -------------------------------------------------------------------------------


def _indicators(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [
        Column(_("Indicator"), "text"),
        Column(_("This period")),
        Column(_("Numerator")),
        Column(_("Denominator")),
        Column(_("Previous period")),
        Column(_("Change on previous period"), "rate"),
        Column(_("Same period last year")),
        Column(_("Change on last year"), "rate"),
        Column(_("Definition"), "long"),
    ]
    rows, rate_rows = [], set()
    for indicator in indicators.VOLUME:
        key = indicator.key
        rows.append(
            [
                indicator.label,
                summary[key],
                None,
                None,
                summary["previous"][key],
                summary[f"{key}_mom"],
                summary["last_year"][key],
                summary[f"{key}_yoy"],
                indicator.definition,
            ]
        )
    online = summary["by_channel"][Channel.ONLINE]["batches"], summary["batches"]
    shares = [(i, summary[i.key], *summary["rate_parts"][i.key]) for i in indicators.RATES]
    shares.append((ONLINE_SHARE, summary["online_share"], *online))
    for indicator, value, numerator, denominator in shares:
        # The value of a rate or a share is a fraction, that of a count an integer.
        rate_rows.add(len(rows))
        rows.append(
            [indicator.label, value, numerator, denominator, *[None] * 4, indicator.definition]
        )
    work = {"open": summary["open"], "due_soon": summary["due_soon"]}
    work |= {"overdue": summary["overdue"], "backlog": summary["backlog"]["count"]}
    for indicator in indicators.WORK:
        rows.append([indicator.label, work[indicator.key], *[None] * 6, indicator.definition])
    return Sheet(columns, rows, rate_cells={(row, 1) for row in rate_rows})


def _pairs(label: Promise, choices, figures: dict, note: Promise) -> Sheet:
    """Batches and persons by `choices`, with the total and each one's share of batches."""
    columns = [
        Column(label, "text"),
        Column(BATCHES),
        Column(PERSONS),
        Column(_("Share of batches"), "rate"),
    ]
    total = {
        "batches": sum(f["batches"] for f in figures.values()),
        "persons": sum(f["persons"] for f in figures.values()),
    }
    rows = []
    for value, name in [*choices, (None, _("Total"))]:
        pair = figures[value] if value else total
        rows.append(
            [name, pair["batches"], pair["persons"], ratio(pair["batches"], total["batches"])]
        )
    return Sheet(columns, rows, note)


def _channels(summary: dict, backlog_rows: list[dict]) -> Sheet:
    return _pairs(
        _("Channel"),
        Channel.choices,
        summary["by_channel"],
        indicators.CHANNELS_DEFINITION,
    )


def _levels(summary: dict, backlog_rows: list[dict]) -> Sheet:
    return _pairs(
        _("Receiving level"),
        ReceivedLevel.choices,
        summary["by_level"],
        indicators.LEVELS_DEFINITION,
    )


def _special(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [
        Column(_("Indicator"), "text"),
        Column(BATCHES),
        Column(PERSONS),
        Column(_("Definition"), "long"),
    ]
    rows = [
        [i.label, summary[i.key]["batches"], summary[i.key]["persons"], i.definition]
        for i in indicators.SPECIAL
    ]
    return Sheet(columns, rows)


def _categories(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [
        Column(_("Rank")),
        Column(_("Category code"), "text"),
        Column(_("Category"), "text"),
        Column(BATCHES),
        Column(PERSONS),
        Column(_("Batches, previous period")),
        Column(_("Change on previous period"), "rate"),
        Column(_("Batches, same period last year")),
        Column(_("Change on last year"), "rate"),
    ]
    rows = [
        [
            position,
            row["code"],
            row["name"],
            row["batches"],
            row["persons"],
            row["previous"],
            row["change"],
            row["last_year"],
            row["yoy"],
        ]
        for position, row in enumerate(summary["top_categories"], start=1)
    ]
    return Sheet(columns, rows, indicators.TOP_CATEGORIES_DEFINITION)


def _ranking(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [
        Column(_("Rank")),
        Column(_("Unit code"), "text"),
        Column(_("Unit"), "text"),
        Column(_("Answers delivered")),
        Column(_("Answered on time")),
        Column(indicators.ALL["on_time_rate"].label, "rate"),
        Column(_("Evaluations")),
        Column(_("Satisfied or basically satisfied")),
        Column(indicators.ALL["satisfaction_rate"].label, "rate"),
    ]
    rows = [
        [
            row["rank"],
            row["unit"],
            row["name"],
            row["answered"],
            row["on_time"],
            row["on_time_rate"],
            row["evaluated"],
            row["satisfied"],
            row["satisfaction_rate"],
        ]
        for row in summary["unit_ranking"]
    ]
    return Sheet(columns, rows, indicators.RANKING_DEFINITION)


def _backlog(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [
        Column(_("No.")),
        Column(_("Case number"), "text"),
        Column(_("Summary"), "long"),
        Column(_("Owner unit"), "text"),
        Column(_("First received on"), "date"),
        Column(_("Times petitioned")),
        Column(_("Status"), "text"),
        Column(_("Sponsoring leader"), "text"),
        Column(_("Next due"), "date"),
    ]
    rows = [
        [
            position,
            row["number"],
            mask_personal_data(row["summary"] or ""),
            row["owner_unit"],
            row["received_on"],
            row["petitions"],
            row["status"],
            row["sponsoring_leader"],
            row["next_due"],
        ]
        for position, row in enumerate(backlog_rows, start=1)
    ]
    return Sheet(columns, rows, indicators.ALL["backlog"].definition)


def _trend(summary: dict, backlog_rows: list[dict]) -> Sheet:
    columns = [Column(_("Month"), "text"), Column(BATCHES), Column(PERSONS)]
    rows = [[p["month"], p["batches"], p["persons"]] for p in summary["series"]["trend"]]
    return Sheet(columns, rows)


BUILDERS: dict[str, Callable[[dict, list[dict]], Sheet]] = {
    "indicators": _indicators,
    "channels": _channels,
    "levels": _levels,
    "special": _special,
    "categories": _categories,
    "ranking": _ranking,
    "backlog": _backlog,
    "trend": _trend,
}


# --- layout -----------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """The width of `text` in Excel's character units: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def sheet_name(label: Promise | str) -> str:
    """A label as a sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(label)).strip()[:31]


def _refreshed_text(refreshed: datetime.datetime | None) -> str:
    if refreshed is None:
        return gettext("not refreshed yet")
    return timezone.localtime(refreshed).strftime("%Y-%m-%d %H:%M")


def title_text(summary: dict, label: Promise | str) -> str:
    return gettext("%(table)s — %(area)s, %(start)s to %(end)s (data as of %(refreshed)s)") % {
        "table": label,
        "area": summary["unit_name"],
        "start": summary["from"].isoformat(),
        "end": summary["to"].isoformat(),
        "refreshed": _refreshed_text(summary["refreshed_at"]),
    }


def _text_width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "rate":
        return 7
    if kind == "date":
        return 10
    return display_width(str(value))


def _write(ws: Worksheet, summary: dict, label: Promise, sheet: Sheet) -> None:
    ws.append([title_text(summary, label)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([str(column.label) for column in sheet.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [display_width(str(column.label)) for column in sheet.columns]
    for row_index, values in enumerate(sheet.rows):
        ws.append([str(v) if isinstance(v, Promise) else v for v in values])
        for col_index, (column, cell) in enumerate(zip(sheet.columns, ws[ws.max_row], strict=True)):
            kind = "rate" if (row_index, col_index) in sheet.rate_cells else column.kind
            if isinstance(cell.value, str):
                # A text is a text: never a formula, even when it begins with "=".
                cell.data_type = "s"
            if kind == "rate":
                cell.number_format = PERCENT
            elif kind == "date":
                cell.number_format = DATE
            elif kind == "long":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[col_index] = max(widths[col_index], _text_width(cell.value, kind))
    last = get_column_letter(len(sheet.columns))
    if sheet.rows:
        ws.auto_filter.ref = f"A2:{last}{ws.max_row}"
    if sheet.note:
        ws.append([])
        ws.append([gettext("Definition: %(text)s") % {"text": sheet.note}])
    ws.freeze_panes = "A3"
    ws.row_dimensions[2].height = 30
    for index, (column, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
        cap = LONG_WIDTH if column.kind == "long" else MAX_WIDTH
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), cap)


def workbook_filename(summary: dict, table: str) -> str:
    parts = [FILENAME_PREFIX, summary["unit"], summary["from"].isoformat()]
    parts.append(summary["to"].isoformat())
    if table != "all":
        parts.append(table)
    return "-".join(parts) + ".xlsx"


def _section_sheets(figures: SectionFigures) -> list[tuple[str, Sheet]]:
    """A section of the apps above (`dashboards.sections`): its figures, and its table."""
    columns = [
        Column(_("Indicator"), "text"),
        Column(_("This period")),
        Column(_("Definition"), "long"),
    ]
    rows = [[tile.label, tile.value, tile.definition] for tile in figures.tiles]
    rates = {(index, 1) for index, tile in enumerate(figures.tiles) if tile.rate}
    sheets = [(str(figures.title), Sheet(columns, rows, rate_cells=rates))]
    if figures.table_columns:
        table = Sheet([Column(label, kind) for label, kind in figures.table_columns])
        table.rows = figures.table_rows
        # (Outside the f-string: xgettext does not see a call inside one.)
        by_unit = gettext("By unit")
        sheets.append((f"{by_unit} · {figures.title}", table))
    return sheets


def summary_workbook(
    summary: dict,
    table: str,
    backlog_rows: list[dict] | None = None,
    sections: list[SectionFigures] | None = None,
) -> tuple[bytes, str]:
    """The tables of `summary` (`table="all"`, or one key of `TABLES` or of `sections`) as an
    `.xlsx` file and its name. `backlog_rows` (`backlog_row` of each case) gives the whole
    backlog ledger; by default the summary's own rows (the oldest 100). `sections`: the
    ledgers' figures for the same area and period (`dashboards.sections`)."""
    keys = [key for key in (list(TABLES) if table == "all" else [table]) if key in TABLES]
    if backlog_rows is None:
        backlog_rows = summary["backlog"]["cases"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for key in keys:
        ws = workbook.create_sheet(sheet_name(TABLES[key]))
        _write(ws, summary, TABLES[key], BUILDERS[key](summary, backlog_rows))
    for figures in sections or []:
        if table not in ("all", figures.key):
            continue
        for label, sheet in _section_sheets(figures):
            _write(workbook.create_sheet(sheet_name(label)), summary, label, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), workbook_filename(summary, table)
