"""The ledgers' rows of the dashboards' bench: a year of monthly screening rounds of each
district with a report from each of its townships and villages, one dispute found per ten
petitions, spread over the year and the units in every state, and this year's targets of
every district; and the time the dashboard's sections (`dashboards.sections`), each and all,
the year-end assessment and the annual report take over them."""

from __future__ import annotations

import datetime
import random
import statistics

from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OrgLevel, OrgUnit, User
from bench.database import load, reset_sequences
from bench.timing import run_times_ms
from core.workcalendar import add_months
from dashboards.sections import section_figures, sections
from ledgers.models import (
    AnnualTarget,
    DisputeItem,
    DisputeKind,
    DisputeStatus,
    RiskLevel,
    ScreeningReport,
    ScreeningRound,
)
from ledgers.targets.annual import annual_report_docx
from ledgers.targets.assessment import DEFAULT_WEIGHTS, assessment

from .orgs import Org

SEED = 20261204
DISPUTES_PER_PETITION = 0.1
STATUSES = [
    (DisputeStatus.RESOLVED, 70),
    (DisputeStatus.OPEN, 12),
    (DisputeStatus.CONTAINED, 8),
    (DisputeStatus.CONVERTED, 6),
    (DisputeStatus.REPORTED_UP, 4),
]
RISKS = [(RiskLevel.GENERAL, 85), (RiskLevel.SERIOUS, 12), (RiskLevel.MAJOR, 3)]


def _pick(rng: random.Random, pairs) -> str:
    return rng.choices([value for value, _weight in pairs], [weight for _v, weight in pairs])[0]


def fill_ledgers(out: OutputWrapper, petitions: int, org: Org, today: datetime.date) -> dict:
    """Load the rounds, reports and disputes; their counts."""
    rng = random.Random(SEED)
    now = timezone.now()
    below = OrgUnit.objects.filter(path__startswith=org.city.path)
    districts = list(below.filter(level=OrgLevel.DISTRICT, kind="government").order_by("pk"))
    reporting = {
        district.pk: list(
            below.filter(
                path__startswith=district.path, level__in=(OrgLevel.TOWNSHIP, OrgLevel.VILLAGE)
            ).values_list("pk", flat=True)
        )
        for district in districts
    }
    first = today.replace(day=1)
    months = [add_months(first, -back) for back in range(12)]
    rounds = ScreeningRound.objects.bulk_create(
        ScreeningRound(
            kind="regular",
            title=f"{district.name}{month:%Y年%m月}矛盾纠纷排查",
            organizing_unit=district,
            month=month,
            due_on=month.replace(day=15),
        )
        for district in districts
        for month in months
    )
    report_rows = []
    for round_ in rounds:
        for unit_id in reporting[round_.organizing_unit_id]:
            late = round_.due_on >= today or rng.random() < 0.05
            submitted = (
                None
                if late
                else timezone.make_aware(datetime.datetime.combine(round_.due_on, datetime.time(9)))
            )
            report_rows.append(
                (
                    round_.pk,
                    unit_id,
                    round_.due_on,
                    submitted,
                    submitted is not None and rng.random() < 0.6,
                    0,
                    "",
                )
            )
    reports = load(
        ScreeningReport,
        ("round_id", "unit_id", "due_on", "submitted_at", "nothing_found", "item_count", "note"),
        report_rows,
    )
    units = [pk for pks in reporting.values() for pk in pks]
    kinds = DisputeKind.values

    def dispute_rows():
        for index in range(int(petitions * DISPUTES_PER_PETITION)):
            unit = rng.choice(units)
            found = today - datetime.timedelta(days=rng.randrange(365))
            status = _pick(rng, STATUSES)
            ended = (
                None
                if status in (DisputeStatus.OPEN, DisputeStatus.CONTAINED)
                else min(found + datetime.timedelta(days=rng.randrange(40)), today)
            )
            yield (
                f"BENCH纠〔{found.year}〕{index + 1}号",
                unit,
                found,
                rng.choice(kinds),
                '[{"role": "applicant", "name": "某甲"}]',
                "某地",
                "某矛盾纠纷",
                _pick(rng, RISKS),
                unit,
                "责任人",
                "",
                found + datetime.timedelta(days=30),
                status,
                ended,
                "mediation" if status == DisputeStatus.RESOLVED else "",
                "",
                now,
            )

    disputes = load(
        DisputeItem,
        (
            "number",
            "unit_id",
            "found_on",
            "kind",
            "parties",
            "place",
            "summary",
            "risk_level",
            "responsible_unit_id",
            "responsible_person",
            "measures",
            "due_on",
            "status",
            "ended_on",
            "method",
            "outcome",
            "created_at",
        ),
        dispute_rows(),
    )
    reset_sequences((ScreeningReport, DisputeItem))
    # The districts' targets: a ceiling about last year's pace, the four cuts of 10%.
    targets = AnnualTarget.objects.bulk_create(
        AnnualTarget(
            unit=district,
            year=today.year,
            batch_ceiling=max(1, petitions // max(len(districts), 1) // 3),
            skip_level_cut=10,
            repeat_cut=10,
            group_cut=10,
            capital_cut=10,
            set_by=org.city_supervisor,
        )
        for district in districts
    )
    return {
        "screening rounds": len(rounds),
        "screening reports": reports,
        "disputes": disputes,
        "annual targets": len(targets),
    }


def _timed(call, runs: int) -> str:
    with CaptureQueriesContext(connection) as queries:
        call()
    times = run_times_ms(call, runs)
    return (
        f"min {min(times):.1f} ms, median {statistics.median(times):.1f} ms, {len(queries)} queries"
    )


def time_sections(
    out: OutputWrapper, user: User, unit: OrgUnit, start, end, today, runs: int, label: str
) -> list[tuple[str, str]]:
    """The dashboard's sections for the area over the period: all of them together (as the
    dashboard and the monthly report read them), then each."""

    def call():
        return section_figures(user, unit, start, end, today)

    for figures in call():
        out.write(
            f"{figures.key} ({label}): "
            + ", ".join(f"{tile.key} {tile.text}" for tile in figures.tiles)
        )
    result = [(f"sections {label}", _timed(call, runs))]
    for section in sections():
        one = section.figures
        result.append(
            (
                f"  section {section.key} {label}",
                _timed(lambda one=one: one(user, unit, start, end, today), runs),
            )
        )
    return result


def time_year_end(out: OutputWrapper, user: User, unit: OrgUnit, today, runs: int) -> list:
    """The year-end assessment of the area's districts this year, and last year's annual
    report (its `.docx`)."""
    rows = assessment(unit, today.year, today, DEFAULT_WEIGHTS)
    out.write(
        "assessment: "
        + ", ".join(f"{row.rank or '—'} {row.unit.code} {row.score}" for row in rows[:5])
    )
    return [
        (
            "assessment city",
            _timed(lambda: assessment(unit, today.year, today, DEFAULT_WEIGHTS), runs),
        ),
        (
            "annual report city (last year, .docx)",
            _timed(
                lambda: annual_report_docx(user, unit, today.year - 1),
                max(1, runs // 2),
            ),
        ),
    ]


def kept_ledgers() -> bool:
    return DisputeItem.objects.filter(Q(number__startswith="BENCH")).exists()
