"""The year-end assessment (年度考核) of the units below an assessing unit (`units_below`: a
city's districts), each with its whole area, from 1 January to the year's last day (or today,
for the year under way).

Each factor is a fraction from 0 to 1:

- on-time completion, resolution: the answers the area's units delivered in the year
  (answered on time / answered; resolved / answered), from the dashboards' rollup;
- satisfaction: satisfied or basically satisfied / evaluated, likewise;
- ranking: the area's units' places in the monthly ranking (通报) of the year, each month's
  place p of n counted (n − p) / (n − 1) (the top 1, the bottom 0), averaged;
- targets: the unit's annual targets on track (or met) / its targets judged (a figure without a
  base last year is not judged);
- ledgers: disputes found in the year and resolved, plus backlog cases on the ledger in the
  year and resolved (化解) / disputes found plus backlog cases on the ledger.

A unit's score is the sum of each factor times its weight (points out of 100). A factor
without a base for a unit (nothing answered, nothing evaluated, never ranked, no target, no
ledger entry) is left out and the unit's other points are scaled up to 100, so that nothing is
counted as a failure that did not happen; the table shows which. Ranked by score, then on-time
rate, then the unit's code.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.sections import percent, ratio
from dashboards.models import DailyStat
from dashboards.selectors import read_database
from escalation.models import UnitRanking

from ..backlog.selectors import on_ledger_during
from ..models import (
    FACTORS,
    AssessmentScheme,
    BacklogEntry,
    BacklogStatus,
    DisputeItem,
    DisputeStatus,
)
from .selectors import target_progress, units_below, year_window

DEFAULT_WEIGHTS = {
    "on_time": 25,
    "satisfaction": 20,
    "resolution": 15,
    "ranking": 10,
    "targets": 20,
    "ledgers": 10,
}

FACTOR_LABELS: dict[str, Promise] = {
    "on_time": _("On-time completion rate"),
    "satisfaction": _("Satisfaction rate"),
    "resolution": _("Resolution rate"),
    "ranking": _("Monthly ranking"),
    "targets": _("Annual targets"),
    "ledgers": _("Ledgers' resolution rate"),
}
# The same in the official Chinese of the annual report.
FACTOR_NAMES = {
    "on_time": "按期办结率",
    "satisfaction": "满意率",
    "resolution": "化解率",
    "ranking": "月度通报排名",
    "targets": "年度目标",
    "ledgers": "台账化解率",
}


@dataclass(frozen=True)
class Weights:
    points: dict[str, int]
    scheme: AssessmentScheme | None

    @property
    def is_default(self) -> bool:
        return self.scheme is None


def weights_for(unit: OrgUnit, year: int) -> Weights:
    scheme = AssessmentScheme.objects.filter(unit=unit, year=year).select_related("set_by").first()
    return Weights(scheme.weights if scheme else dict(DEFAULT_WEIGHTS), scheme)


@dataclass
class Assessed:
    unit: OrgUnit
    # Each factor's fraction (None: no base) and its (part, whole) where it has one.
    values: dict[str, float | None] = field(default_factory=dict)
    bases: dict[str, tuple[int, int]] = field(default_factory=dict)
    points: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None

    @property
    def cells(self) -> list[dict]:
        """Each factor as shown: its rate, and its base (part / whole) on hover."""
        result = []
        for factor in FACTORS:
            value = self.values.get(factor)
            base = self.bases.get(factor)
            result.append(
                {
                    "value": value,
                    "text": percent(value),
                    "base": f"{base[0]} / {base[1]}" if base else "",
                }
            )
        return result


def _child_of(children: list[OrgUnit]):
    """The child whose area holds a unit path, or None."""

    def find(path: str) -> OrgUnit | None:
        return next((child for child in children if path.startswith(child.path)), None)

    return find


def _rollup(children: list[OrgUnit], start: datetime.date, end: datetime.date) -> dict[int, dict]:
    rows = (
        DailyStat.objects.using(read_database())
        .filter(unit__in=children, day__range=(start, end))
        .values("unit")
        .annotate(
            answers=Sum("answered", default=0),
            in_time=Sum("answered_on_time", default=0),
            resolutions=Sum("resolved", default=0),
            evaluations=Sum("evaluated", default=0),
            satisfactions=Sum("satisfied", default=0),
        )
        .order_by()
    )
    return {row["unit"]: row for row in rows}


def _ranking(children: list[OrgUnit], start: datetime.date, end: datetime.date) -> dict[int, list]:
    """Per child: the (n − p) / (n − 1) of each monthly place of its area's units."""
    months = Q(month__range=(start.replace(day=1), end))
    ranked = dict(
        UnitRanking.objects.filter(months)
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    find = _child_of(children)
    places: dict[int, list[float]] = defaultdict(list)
    rows = UnitRanking.objects.filter(months).values_list("month", "rank", "unit__path")
    for month, rank, path in rows:
        child = find(path)
        if child is not None:
            n = ranked[month]
            places[child.pk].append((n - rank) / (n - 1) if n > 1 else 1.0)
    return places


def _ledgers(children: list[OrgUnit], start: datetime.date, end: datetime.date) -> dict[int, list]:
    """Per child: [resolved, counted] of its disputes found and backlog cases on the ledger."""
    find = _child_of(children)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    paths = Q()
    for child in children:
        paths |= Q(responsible_unit__path__startswith=child.path)
    disputes = (
        DisputeItem.objects.filter(paths, found_on__range=(start, end))
        .values("responsible_unit__path")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=DisputeStatus.RESOLVED)))
        .order_by()
    )
    lead = Q()
    for child in children:
        lead |= Q(lead_unit__path__startswith=child.path)
    resolved_in = Q(status=BacklogStatus.RESOLVED, ended_on__range=(start, end))
    backlog = (
        BacklogEntry.objects.filter(lead, on_ledger_during(start, end))
        .values("lead_unit__path")
        .annotate(n=Count("pk"), done=Count("pk", filter=resolved_in))
        .order_by()
    )
    for rows, key in ((disputes, "responsible_unit__path"), (backlog, "lead_unit__path")):
        for row in rows:
            child = find(row[key])
            if child is not None:
                counts[child.pk][0] += row["done"]
                counts[child.pk][1] += row["n"]
    return counts


def _score(row: Assessed, weights: dict[str, int]) -> None:
    present = {f: w for f, w in weights.items() if row.values.get(f) is not None}
    total_weight = sum(present.values())
    for factor in FACTORS:
        value = row.values.get(factor)
        row.points[factor] = None if value is None else weights[factor] * value
    if not total_weight:
        row.score = None
        return
    earned = sum(weights[f] * row.values[f] for f in present)  # type: ignore[operator]
    row.score = round(earned * 100 / total_weight, 2)


def rank(rows: Iterable[Assessed]) -> list[Assessed]:
    """Best score first (then on-time rate, then code); units without a score last, unranked."""
    ordered = sorted(
        rows,
        key=lambda r: (
            r.score is None,
            -(r.score or 0),
            -(r.values.get("on_time") or 0),
            r.unit.code,
        ),
    )
    for place, row in enumerate(ordered, start=1):
        row.rank = place if row.score is not None else None
    return ordered


def assessment(area: OrgUnit, year: int, today: datetime.date, weights: dict[str, int]):
    """The units directly below `area`, assessed for `year` with `weights` and ranked."""
    window = year_window(year, today)
    children = units_below(area)
    if window is None or not children:
        return []
    start, end = window
    rollup = _rollup(children, start, end)
    places = _ranking(children, start, end)
    progress = {p.unit.pk: p for p in target_progress(children, year, today)}
    ledgers = _ledgers(children, start, end)
    rows = []
    for child in children:
        row = Assessed(unit=child)
        figures = rollup.get(child.pk, {})
        answers = figures.get("answers", 0)
        row.bases = {
            "on_time": (figures.get("in_time", 0), answers),
            "resolution": (figures.get("resolutions", 0), answers),
            "satisfaction": (figures.get("satisfactions", 0), figures.get("evaluations", 0)),
            "targets": (progress[child.pk].met, len(progress[child.pk].judged)),
            "ledgers": tuple(ledgers.get(child.pk, (0, 0))),  # type: ignore[dict-item]
        }
        row.values = {factor: ratio(*base) for factor, base in row.bases.items()}
        month_places = places.get(child.pk)
        row.values["ranking"] = sum(month_places) / len(month_places) if month_places else None
        _score(row, weights)
        rows.append(row)
    return rank(rows)
