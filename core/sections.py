"""The dashboard's sections from other apps (escalation beside it, the ledgers above it),
registered at start-up: each gives its figures for an area and a period as tiles that drill
down to its own list, a paragraph and a table for the monthly report, and a sheet for the
`.xlsx` export. Dashboards reads them through this registry and never imports those apps.

It lives in `core` so that an app beside dashboards (escalation) can register too."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Typed loosely: core imports no app of ours (the callers pass a user and an org unit).
User = Any
OrgUnit = Any


def ratio(part: int, whole: int) -> float | None:
    """A rate as a fraction: None without a base (nothing to divide by)."""
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """A rate as shown to people: 0.125 → 12.5%; — without a base."""
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    value: int | float | None
    definition: str | Promise = ""
    url: str = ""
    # A rate (a fraction shown as a percentage) rather than a count.
    rate: bool = False
    # Something that needs attention when not zero (drawn in red).
    alarm: bool = False

    @property
    def text(self) -> str:
        return percent(self.value) if self.rate else "—" if self.value is None else str(self.value)


@dataclass(frozen=True)
class SectionFigures:
    """One section's figures for an area and a period.

    `report_heading`, `report_text` and `report_table` (a caption and a header; its rows are
    the table as shown, `table_text`) are the monthly report's, in official Chinese whatever
    the page's language; `table_columns` (label, kind: "text", "int" or "rate") and
    `table_rows` the table for the page and the export, in the user's language with real
    numbers."""

    key: str
    title: str | Promise
    tiles: list[Tile]
    report_heading: str
    report_text: str
    # The report's table: its caption and its header; its rows are `table_text`.
    report_table: tuple[str, list[str]] | None = None
    table_columns: list[tuple[str | Promise, str]] = field(default_factory=list)
    table_rows: list[list] = field(default_factory=list)

    @property
    def table_text(self) -> list[list[str]]:
        """The table's rows as shown on the page: rates as percentages, no value as —."""
        kinds = [kind for _label, kind in self.table_columns]
        return [
            [
                percent(value) if kind == "rate" else "—" if value is None else str(value)
                for value, kind in zip(row, kinds, strict=True)
            ]
            for row in self.table_rows
        ]


@dataclass(frozen=True)
class Section:
    key: str
    # (user, area unit, first day, last day, today) -> the figures.
    figures: Callable[[User, OrgUnit, datetime.date, datetime.date, datetime.date], SectionFigures]


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def sections() -> list[Section]:
    return list(_sections.values())


def section_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[SectionFigures]:
    """Every registered section's figures for the area `unit` and the period."""
    return [section.figures(user, unit, start, end, today) for section in _sections.values()]
