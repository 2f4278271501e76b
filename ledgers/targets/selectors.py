"""How a unit stands against its annual targets (一控制三下降), read from the dashboards'
rollup (`dashboards.models.DailyStat`, whose row for a unit covers its whole area).

For a year and a day in it (`as_of`: today, or the year's last day once it is over), each
figure counts the petitions about the area's matters from 1 January to `as_of`, and compares:

- the total (信访总量, batches) with the ceiling; what the ceiling allows by `as_of` is the
  ceiling times the share of last year's petitions that had come by the same day (a year with
  none last year: the share of the year gone);
- skip-level, repeat and group petitions, and those to Beijing and the province (进京/赴省:
  received by a body at national or province level), with last year's whole year less the
  cut; what the cut allows by `as_of` is last year's figure by the same day less the cut. A
  figure that was nought last year has no base (无基数) and is not judged.

Last year is the rollup's only when the rollup holds it whole: its records begin in last
January at the latest (a day without petitions has no row, so the first row may come a few
days after New Year). Otherwise (the system went into use during last year) a figure counts from the
base entered with the target (上年基数, from last year's statistics), spread evenly over the
year; a figure without one has no base; the ceiling's share is the share of the year gone.

A figure over what the whole year allows has missed its target (未完成); over what is allowed
by `as_of`, it is off track (预警); otherwise on track (正常).
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgKind, OrgUnit, User
from accounts.selectors import units_visible_to
from dashboards.models import DailyStat
from dashboards.selectors import read_database

from ..models import AnnualTarget


class TargetStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    WARNING = "warning", _("Off track")
    MISSED = "missed", _("Missed")
    NO_BASE = "no_base", _("No base last year")


# Worst first: a unit's status is its worst figure's.
SEVERITY = [TargetStatus.MISSED, TargetStatus.WARNING, TargetStatus.ON_TRACK, TargetStatus.NO_BASE]


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    # The rollup's columns summed, and the target's column that limits them.
    columns: tuple[str, ...]
    limit: str
    # The target's column of last year's figure entered by hand (the ceiling has none).
    base: str | None = None


METRICS = (
    Metric("batches", _("Petitions (batches)"), ("batches",), "batch_ceiling"),
    Metric(
        "skip_level",
        _("Skip-level petitions"),
        ("skip_level_batches",),
        "skip_level_cut",
        "skip_level_base",
    ),
    Metric("repeat", _("Repeat petitions"), ("repeat_batches",), "repeat_cut", "repeat_base"),
    Metric("group", _("Group petitions"), ("group_batches",), "group_cut", "group_base"),
    Metric(
        "capital",
        _("Petitions to Beijing and the province"),
        ("national_batches", "province_batches"),
        "capital_cut",
        "capital_base",
    ),
)


@dataclass(frozen=True)
class MetricProgress:
    metric: Metric
    actual: int
    last_year_to_date: int
    last_year: int
    # Whether last year's figures are the base entered with the target (not the rollup's).
    entered: bool
    # What the whole year allows, and what is allowed by `as_of` (None: no base).
    allowed: float | None
    allowed_to_date: float | None
    # The most petitions the whole year allows (8.1 allows 8): as the pages show it.
    allowed_whole: int | None
    status: str
    # The target as set: the ceiling, or the cut in per cent.
    target: int | Decimal

    @property
    def change(self) -> float | None:
        """Against last year by the same day."""
        if not self.last_year_to_date:
            return None
        return (self.actual - self.last_year_to_date) / self.last_year_to_date


@dataclass
class UnitProgress:
    unit: OrgUnit
    target: AnnualTarget | None
    metrics: list[MetricProgress] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        """The worst figure's status; None without a target (or before its year)."""
        statuses = {metric.status for metric in self.metrics}
        return next((status for status in SEVERITY if status in statuses), None)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def judged(self) -> list[MetricProgress]:
        return [m for m in self.metrics if m.status != TargetStatus.NO_BASE]

    @property
    def met(self) -> int:
        return sum(1 for m in self.judged if m.status == TargetStatus.ON_TRACK)


def status_label(status: str | None) -> str:
    return gettext("No target") if status is None else str(TargetStatus(status).label)


def year_window(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """1 January and the day the year's figures run to; None for a year not begun."""
    start = datetime.date(year, 1, 1)
    if today < start:
        return None
    return start, min(today, datetime.date(year, 12, 31))


def _year_earlier(day: datetime.date) -> datetime.date:
    last = calendar.monthrange(day.year - 1, day.month)[1]
    return day.replace(year=day.year - 1, day=min(day.day, last))


def _sums(unit_ids: list[int], start: datetime.date, as_of: datetime.date) -> dict[int, dict]:
    """Per unit: each metric's petitions this year to `as_of`, last year to the same day and
    last year in all (one grouped read of the rollup)."""
    last_start = datetime.date(start.year - 1, 1, 1)
    windows = {
        "now": Q(day__range=(start, as_of)),
        "then": Q(day__range=(last_start, _year_earlier(as_of))),
        "last": Q(day__range=(last_start, datetime.date(start.year - 1, 12, 31))),
    }
    columns = sorted({column for metric in METRICS for column in metric.columns})
    rows = (
        DailyStat.objects.using(read_database())
        .filter(unit_id__in=unit_ids, day__range=(last_start, as_of))
        .values("unit")
        .annotate(
            **{
                f"{window}_{column}": Sum(column, filter=condition, default=0)
                for window, condition in windows.items()
                for column in columns
            }
        )
        .order_by()
    )
    return {row["unit"]: dict(row) for row in rows}


def share_of_year(as_of: datetime.date) -> Fraction:
    """The share of `as_of`'s year gone by the end of that day."""
    start = datetime.date(as_of.year, 1, 1)
    days = 366 if calendar.isleap(as_of.year) else 365
    return Fraction((as_of - start).days + 1, days)


def _judge(actual: int, allowed: Fraction | None, allowed_to_date: Fraction | None) -> str:
    """Exact: 10 less 90% allows 1, and 1 is within it (in floating point 0.9999…)."""
    if allowed is None or allowed_to_date is None:
        return TargetStatus.NO_BASE
    if actual > allowed:
        return TargetStatus.MISSED
    if actual > allowed_to_date:
        return TargetStatus.WARNING
    return TargetStatus.ON_TRACK


def records_begin() -> datetime.date | None:
    """The first day the rollup holds (one query, on its index of days)."""
    return (
        DailyStat.objects.using(read_database())
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )


def holds_last_year(begin: datetime.date | None, year: int) -> bool:
    """Whether the rollup, whose first row is on `begin`, holds the year before `year`."""
    return begin is not None and begin <= datetime.date(year - 1, 1, 31)


def _metric(
    metric: Metric, target: AnnualTarget, sums: dict, as_of: datetime.date, whole: bool
) -> MetricProgress:
    def total(window: str) -> int:
        return sum(sums.get(f"{window}_{column}", 0) for column in metric.columns)

    actual, then, last = total("now"), total("then"), total("last")
    base = getattr(target, metric.base) if metric.base else None
    if base is not None:
        last, then = base, round(base * share_of_year(as_of))
    elif not whole:
        last = then = 0
    limit = getattr(target, metric.limit)
    allowed: Fraction | None
    allowed_to_date: Fraction | None
    if metric.limit == "batch_ceiling":
        share = Fraction(then, last) if last else share_of_year(as_of)
        allowed, allowed_to_date = Fraction(limit), limit * share
    elif last:
        keep = 1 - Fraction(limit) / 100
        allowed, allowed_to_date = last * keep, then * keep
    else:
        allowed = allowed_to_date = None
    return MetricProgress(
        metric=metric,
        actual=actual,
        last_year_to_date=then,
        last_year=last,
        entered=base is not None,
        allowed=None if allowed is None else float(allowed),
        allowed_to_date=None if allowed_to_date is None else float(allowed_to_date),
        allowed_whole=None if allowed is None else math.floor(allowed),
        status=_judge(actual, allowed, allowed_to_date),
        target=limit,
    )


def target_progress(units: list[OrgUnit], year: int, today: datetime.date) -> list[UnitProgress]:
    """Each unit's progress against its target of `year`, in the order given (three
    queries); a unit without a target has no figures."""
    targets = {
        target.unit_id: target
        for target in AnnualTarget.objects.filter(unit__in=units, year=year).select_related(
            "set_by"
        )
    }
    window = year_window(year, today)
    sums = _sums(list(targets), *window) if window and targets else {}
    whole = bool(targets) and holds_last_year(records_begin(), year)
    result = []
    for unit in units:
        target = targets.get(unit.pk)
        progress = UnitProgress(unit=unit, target=target)
        if target is not None and window is not None:
            unit_sums = sums.get(unit.pk, {})
            progress.metrics = [_metric(m, target, unit_sums, window[1], whole) for m in METRICS]
        result.append(progress)
    return result


def units_below(area: OrgUnit) -> list[OrgUnit]:
    """The units a level sets targets for and assesses: the active units directly below it,
    only the governments among them when there are any (a city's districts, not its petition
    office and departments) (one query)."""
    children = list(OrgUnit.objects.filter(parent=area, is_active=True).order_by("path"))
    governments = [child for child in children if child.kind == OrgKind.GOVERNMENT]
    return governments or children


def area_units(area: OrgUnit) -> list[OrgUnit]:
    """The area's own unit, then `units_below` it."""
    return [area, *units_below(area)]


def targets_visible_to(user: User) -> QuerySet[AnnualTarget]:
    return AnnualTarget.objects.filter(unit__in=units_visible_to(user))


def target_detail(*, user: User, unit_code: str, year: int) -> AnnualTarget | None:
    return (
        targets_visible_to(user).filter(unit__code=unit_code, year=year).select_related("unit")
    ).first()
