"""The annual targets' section of the dashboard, the monthly report and the export: for the
year the period ends in, up to the period's end (or today), how the area and the units
directly below it stand against their targets (`selectors`)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.officialdoc import official_date
from dashboards.sections import Section, SectionFigures, Tile

from .selectors import (
    METRICS,
    TargetStatus,
    UnitProgress,
    area_units,
    status_label,
    target_progress,
)

KEY = "targets"
METRIC_NAMES = {
    "batches": "信访总量",
    "skip_level": "越级访",
    "repeat": "重复访",
    "group": "集体访",
    "capital": "进京赴省访",
}


def allowed_text(allowed: int | None) -> str:
    return "—" if allowed is None else str(allowed)


def metric_text(progress: UnitProgress, key: str) -> str:
    """A figure as "actual / what the year allows", or — without a target."""
    metric = next((m for m in progress.metrics if m.metric.key == key), None)
    if metric is None:
        return "—"
    return f"{metric.actual} / {allowed_text(metric.allowed_whole)}"


def targets_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    year = end.year
    as_of = min(end, today)
    units = area_units(unit)
    progress = target_progress(units, year, as_of)
    below = [p for p in progress[1:] if p.target is not None]
    counts = {status: sum(1 for p in below if p.status == status) for status in TargetStatus}
    own = progress[0]
    base = reverse("ledgers:targets")

    def url(**extra: str) -> str:
        return f"{base}?{urlencode({'area': unit.code, 'year': year, **extra})}"

    ceiling = next((m for m in own.metrics if m.metric.key == "batches"), None)
    tiles = [
        Tile(
            "targets_set",
            _("Units with targets"),
            len(below),
            _("Units directly below the area with annual targets set for the year."),
            url(),
        ),
        Tile(
            "targets_on_track",
            _("On track"),
            counts[TargetStatus.ON_TRACK],
            _("Of them, every judged figure within what the year allows by this day."),
            url(status=TargetStatus.ON_TRACK),
        ),
        Tile(
            "targets_warning",
            _("Off track"),
            counts[TargetStatus.WARNING],
            _(
                "A figure above what its target allows by this day (the ceiling times the "
                "share of last year's petitions come by the same day; last year's figure by "
                "the same day less the cut)."
            ),
            url(status=TargetStatus.WARNING),
            alarm=True,
        ),
        Tile(
            "targets_missed",
            _("Missed"),
            counts[TargetStatus.MISSED],
            _("A figure already above what its target allows for the whole year."),
            url(status=TargetStatus.MISSED),
            alarm=True,
        ),
    ]
    if ceiling is not None:
        tiles.append(
            Tile(
                "targets_ceiling_used",
                _("Ceiling used"),
                ceiling.actual / ceiling.allowed if ceiling.allowed else None,
                _("The area's petitions this year (batches) / its own ceiling for the year."),
                url(),
                rate=True,
            )
        )
    rows = [
        [
            p.unit.name,
            p.target.batch_ceiling if p.target else None,
            *(metric_text(p, metric.key) for metric in METRICS),
            status_label(p.status),
        ]
        for p in progress
        if p.target is not None
    ]
    columns = [
        (_("Unit"), "text"),
        (_("Ceiling (batches)"), "int"),
        *((metric.label, "text") for metric in METRICS),
        (_("Status"), "text"),
    ]
    text = (
        f"截至{official_date(as_of)}，{unit.name}所属{len(below)}个单位设定了{year}年度"
        f"信访工作目标（一控制三下降），其中进度正常{counts[TargetStatus.ON_TRACK]}个，"
        f"预警{counts[TargetStatus.WARNING]}个，未完成{counts[TargetStatus.MISSED]}个。"
        if below
        else f"{unit.name}所属单位尚未设定{year}年度信访工作目标。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Annual targets"),
        tiles=tiles,
        report_heading="年度目标进度（一控制三下降）",
        report_text=text,
        report_table=(
            "年度目标进度",
            ["单位", "总量控制数", *(METRIC_NAMES[m.key] for m in METRICS), "状态"],
        ),
        table_columns=columns,
        table_rows=rows,
    )


TARGETS_SECTION = Section(KEY, targets_figures)
