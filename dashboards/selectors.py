"""Every figure of the dashboards, for one unit's area and one period: `stats_summary` builds
the one dictionary the page, the API, the `.xlsx` export and the monthly report all show.

Counts of petitions and of handling come from the rollup (`DailyStat`, a few hundred rows per
unit and year, current to the last refresh), and so does the list of backlog cases; the open
work (in work, due soon, overdue) is counted live from the cases, as the case list's own
filters select them, so that a click on a number lists exactly those cases. A constant number
of queries whatever the data size.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.selectors import scope_path, subtree_ids, units_visible_to
from cases.models import IN_WORK_STATUSES, Case, DeadlineKind
from cases.selectors import (
    case_ids_of,
    deadline_rule_for,
    due_soon_limit,
    open_work_clocks,
    with_due_dates,
)
from cases.selectors.accusations import hidden_from
from core.workcalendar import add_months, load_calendar
from petitions.models import Channel, ReceivedLevel

from .models import COUNT_FIELDS, BacklogCase, DailyCategoryStat, DailyStat, RollupState
from .periods import Period

TOP_CATEGORIES = 10
BACKLOG_LEDGER_ROWS = 100
# The trend chart shows at least this many months up to the period's end.
TREND_MONTHS = 12
SPECIAL_KEYS = ("skip_level", "group", "repeat", "first_time")


def read_database() -> str:
    """The database alias the dashboards read from: the read replica when one is set."""
    return settings.DASHBOARD_DATABASE


def dashboard_units(user: User) -> QuerySet[OrgUnit]:
    """The units whose area the user may pick: their scope, in tree order."""
    return units_visible_to(user).order_by("path")


def default_unit(user: User) -> OrgUnit | None:
    """The top of the user's scope: their government's area for a petition office."""
    unit = user.org_unit
    if unit is None:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return OrgUnit.objects.filter(path=scope_path(unit)).first()


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def change(current: int, earlier: int) -> float | None:
    return round((current - earlier) / earlier, 4) if earlier else None


def pair(row: dict, prefix: str) -> dict[str, int]:
    return {"batches": row[f"{prefix}_batches"], "persons": row[f"{prefix}_persons"]}


def evaluation_cutoff(unit: OrgUnit, today: datetime.date) -> datetime.date:
    """The last answer day whose evaluation window (the unit's rule) closed before today."""
    rule = deadline_rule_for(DeadlineKind.EVALUATION_WINDOW, unit, today)
    span = datetime.timedelta(days=rule.days * 2 + 60)
    work_calendar = load_calendar(today - span, today)
    day = today - datetime.timedelta(days=1)
    while work_calendar.add_period(day, rule.days, rule.counting) >= today:
        day -= datetime.timedelta(days=1)
    return day


def _totals(unit: OrgUnit, period: Period, today: datetime.date, cutoff: datetime.date) -> dict:
    """One read of the unit's rows over the period, the previous one and last year's."""
    current = Q(day__range=(period.start, period.end))
    previous, last_year = period.previous(), period.last_year()
    sums = {name: Sum(name, filter=current, default=0) for name in COUNT_FIELDS}
    for label, other in (("previous", previous), ("last_year", last_year)):
        for name in ("batches", "persons"):
            sums[f"{label}_{name}"] = Sum(
                name, filter=Q(day__range=(other.start, other.end)), default=0
            )
    # Clocks not yet due are not late yet; answers within the window are not yet unevaluated.
    not_yet_due = Q(day__range=(max(today, period.start), period.end))
    sums["acceptance_not_yet_due"] = Sum("acceptance_open", filter=not_yet_due, default=0)
    sums["answer_not_yet_due"] = Sum("answer_due_open", filter=not_yet_due, default=0)
    sums["lapsed"] = Sum(
        "unevaluated", filter=Q(day__range=(period.start, min(cutoff, period.end))), default=0
    )
    earliest = min(period.start, previous.start, last_year.start)
    # An aggregate may not bear the name of a field it sums.
    totals = (
        DailyStat.objects.using(read_database())
        .filter(unit=unit, day__range=(earliest, period.end))
        .aggregate(**{f"total_{name}": value for name, value in sums.items()})
    )
    return {name.removeprefix("total_"): value for name, value in totals.items()}


def _rates(row: dict) -> dict[str, tuple[int, int]]:
    """Each rate as (numerator, denominator)."""
    evaluated = row["evaluated"]
    return {
        "timely_acceptance_rate": (
            row["acceptance_on_time"],
            row["acceptance_due"] - row["acceptance_not_yet_due"],
        ),
        "on_time_rate": (row["answered_on_time"], row["answered"]),
        "completion_rate": (row["answer_due_met"], row["answer_due"] - row["answer_not_yet_due"]),
        "resolution_rate": (row["resolved"], row["answered"]),
        "satisfaction_rate": (row["satisfied"], evaluated),
        "participation_rate": (evaluated, evaluated + row["lapsed"]),
        "one_time_rate": (
            row["first_time_answered"] - row["first_time_repeated"],
            row["first_time_answered"],
        ),
    }


def trend_months(period: Period) -> list[datetime.date]:
    """The months of the period, and earlier ones up to `TREND_MONTHS` in all."""
    months = period.months()
    while len(months) < TREND_MONTHS:
        months.insert(0, add_months(months[0], -1))
    return months


def _trend(unit: OrgUnit, period: Period) -> list[dict]:
    months = trend_months(period)
    rows = (
        DailyStat.objects.using(read_database())
        .filter(unit=unit, day__range=(months[0], period.end))
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(month_batches=Sum("batches"), month_persons=Sum("persons"))
        .order_by("month")
    )
    found = {_month_start(row["month"]): row for row in rows}
    return [
        {
            "month": month.strftime("%Y-%m"),
            "batches": found[month]["month_batches"] if month in found else 0,
            "persons": found[month]["month_persons"] if month in found else 0,
        }
        for month in months
    ]


def _month_start(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _top_categories(unit: OrgUnit, period: Period) -> list[dict]:
    previous, last_year = period.previous(), period.last_year()
    periods = Q()
    for other in (period, previous, last_year):
        periods |= Q(day__range=(other.start, other.end))
    rows = (
        DailyCategoryStat.objects.using(read_database())
        .filter(periods, unit=unit)
        .values("category", "category__code", "category__name", "category__parent__name")
        .annotate(
            current=Sum("batches", filter=Q(day__range=(period.start, period.end)), default=0),
            people=Sum("persons", filter=Q(day__range=(period.start, period.end)), default=0),
            earlier=Sum("batches", filter=Q(day__range=(previous.start, previous.end)), default=0),
            year_before=Sum(
                "batches", filter=Q(day__range=(last_year.start, last_year.end)), default=0
            ),
        )
        .filter(current__gt=0)
        .order_by("-current", "category__code")[:TOP_CATEGORIES]
    )
    return [
        {
            "code": row["category__code"],
            "name": " › ".join(
                part for part in (row["category__parent__name"], row["category__name"]) if part
            ),
            "batches": row["current"],
            "persons": row["people"],
            "previous": row["earlier"],
            "change": change(row["current"], row["earlier"]),
            "last_year": row["year_before"],
            "yoy": change(row["current"], row["year_before"]),
        }
        for row in rows
    ]


def _ranking(unit: OrgUnit, period: Period) -> list[dict]:
    database = read_database()
    # The ids as a list, so that the rows are read by (unit, day) rather than by day.
    children = list(
        OrgUnit.objects.using(database).filter(parent=unit).values_list("pk", flat=True)
    )
    rows = (
        DailyStat.objects.using(database)
        .filter(unit_id__in=children, day__range=(period.start, period.end))
        .values("unit", "unit__code", "unit__name")
        .annotate(
            answers=Sum("answered"),
            in_time=Sum("answered_on_time"),
            evaluations=Sum("evaluated"),
            satisfactions=Sum("satisfied"),
        )
        .filter(answers__gt=0)
        .order_by()
    )
    ranked = [
        {
            "unit": row["unit__code"],
            "name": row["unit__name"],
            "answered": row["answers"],
            "on_time": row["in_time"],
            "on_time_rate": ratio(row["in_time"], row["answers"]),
            "evaluated": row["evaluations"],
            "satisfied": row["satisfactions"],
            "satisfaction_rate": ratio(row["satisfactions"], row["evaluations"]),
        }
        for row in rows
    ]
    ranked.sort(
        key=lambda r: (
            -(r["on_time_rate"] or 0),
            -(r["satisfaction_rate"] or 0),
            -r["answered"],
            r["unit"],
        )
    )
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return ranked


def area_unit_ids(unit: OrgUnit) -> list[int]:
    """The ids of the unit and every unit below it: each count below is then one indexed
    read of the cases, by owner or by id."""
    return subtree_ids(unit, using=read_database())


def area_cases(user: User, unit_ids: list[int]) -> QuerySet[Case]:
    """The cases owned by the units `unit_ids` (an area) that the user may see: the case list
    filtered by the area's unit (`unit=`) holds exactly these."""
    return (
        Case.objects.using(read_database())
        .filter(owner_unit_id__in=unit_ids)
        .exclude(hidden_from(user))
    )


def _work(user: User, unit_ids: list[int], today: datetime.date) -> dict:
    """In work, due soon and overdue today; the open clocks' cases are read first
    (`case_ids_of`), as the case list's `overdue` filter does."""
    limit = due_soon_limit(today)
    clocks = open_work_clocks().using(read_database())
    late = case_ids_of(clocks.filter(due_on__lt=today))
    soon = case_ids_of(clocks.filter(due_on__range=(today, limit))) - late
    cases = area_cases(user, unit_ids)
    return {
        "open": cases.filter(status__in=IN_WORK_STATUSES).count(),
        "due_soon": cases.filter(pk__in=soon).count(),
        "overdue": cases.filter(pk__in=late).count(),
        "due_soon_until": limit,
    }


def backlog_case_ids() -> QuerySet:
    """The ids of the backlog cases (积案) as of the last refresh of the rollup."""
    return BacklogCase.objects.using(read_database()).values("case_id")


def area_backlog(user: User, unit_ids: list[int]) -> QuerySet[Case]:
    """The area's backlog cases (积案) as of the last refresh of the rollup."""
    return area_cases(user, unit_ids).filter(pk__in=backlog_case_ids())


def backlog_ledger(
    user: User,
    unit: OrgUnit,
    *,
    limit: int | None = BACKLOG_LEDGER_ROWS,
    unit_ids: list[int] | None = None,
):
    """The backlog cases of the area, oldest first, with sponsoring leaders and petition
    counts (one query); `limit=None` for all of them."""
    area = area_unit_ids(unit) if unit_ids is None else unit_ids
    cases = with_due_dates(
        area_backlog(user, area).select_related("owner_unit", "sponsoring_leader")
    ).order_by("received_at", "pk")
    return cases if limit is None else cases[:limit]


def backlog_row(case: Case) -> dict:
    return {
        "number": case.number,
        "summary": case.summary,
        "owner_unit": case.owner_unit.name,
        "received_on": timezone.localtime(case.received_at).date(),
        "petitions": case.petition_count,
        "status": case.get_status_display(),
        "sponsoring_leader": case.sponsoring_leader.display_name if case.sponsoring_leader else "",
        "next_due": case.next_due,  # type: ignore[attr-defined]
    }


def refreshed_at() -> datetime.datetime | None:
    return (
        RollupState.objects.using(read_database())
        .filter(pk=1)
        .values_list("refreshed_at", flat=True)
        .first()
    )


def stats_summary(
    *, user: User, unit: OrgUnit, period: Period, today: datetime.date | None = None
) -> dict:
    """Every indicator for the area of `unit` (which must be in the user's scope) over
    `period`, under the API's keys: rates as fractions, `None` where the denominator is 0."""
    today = today or timezone.localdate()
    row = _totals(unit, period, today, evaluation_cutoff(unit, today))
    rates = _rates(row)
    unit_ids = area_unit_ids(unit)
    work = _work(user, unit_ids, today)
    backlog = backlog_ledger(user, unit, unit_ids=unit_ids)
    backlog_count = area_backlog(user, unit_ids).count()
    channels = {channel: pair(row, channel) for channel in Channel.values}
    ranking = _ranking(unit, period)
    categories = _top_categories(unit, period)
    summary = {
        "from": period.start,
        "to": period.end,
        "unit": unit.code,
        "unit_name": unit.name,
        "refreshed_at": refreshed_at(),
        "batches": row["batches"],
        "persons": row["persons"],
        "batches_yoy": change(row["batches"], row["last_year_batches"]),
        "persons_yoy": change(row["persons"], row["last_year_persons"]),
        "batches_mom": change(row["batches"], row["previous_batches"]),
        "persons_mom": change(row["persons"], row["previous_persons"]),
        "last_year": {"batches": row["last_year_batches"], "persons": row["last_year_persons"]},
        "previous": {"batches": row["previous_batches"], "persons": row["previous_persons"]},
        "by_channel": channels,
        "online_share": ratio(row["online_batches"], row["batches"]),
        "by_level": {level: pair(row, level) for level in ReceivedLevel.values},
        **{key: pair(row, key) for key in SPECIAL_KEYS},
        **{key: ratio(*parts) for key, parts in rates.items()},
        "rate_parts": {key: list(parts) for key, parts in rates.items()},
        "top_categories": categories,
        "unit_ranking": ranking,
        "open": work["open"],
        "due_soon": work["due_soon"],
        "overdue": work["overdue"],
        "due_soon_until": work["due_soon_until"],
        "backlog": {
            "count": backlog_count,
            "cases": [backlog_row(case) for case in backlog],
        },
    }
    summary["series"] = _series(summary, _trend(unit, period))
    return summary


def _series(summary: dict, trend: list[dict]) -> dict:
    """The data behind each chart."""
    return {
        "trend": trend,
        "channels": [
            {"channel": channel, "label": str(label), **summary["by_channel"][channel]}
            for channel, label in Channel.choices
        ],
        "categories": [
            {"name": row["name"], "batches": row["batches"]} for row in summary["top_categories"]
        ],
        "ranking": [
            {
                "name": row["name"],
                "on_time_rate": row["on_time_rate"],
                "satisfaction_rate": row["satisfaction_rate"],
            }
            for row in summary["unit_ranking"]
        ],
    }
