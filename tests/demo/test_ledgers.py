"""seed_demo's ledgers: regular rounds of the three districts with reports (nil, late,
missing), a special round, disputes from the scenarios in every state; a rerun adds nothing."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from demo.ledgers import _drawn_base
from demo.orgs import DISTRICTS
from ledgers.models import (
    DisputeItem,
    DisputeStatus,
    RoundKind,
    ScreeningReport,
    ScreeningRound,
    UrgentReport,
    UrgentStatus,
)
from tests.demo.conftest import seed


def test_the_demo_fills_the_dispute_ledger_and_a_rerun_adds_nothing(seeded):
    out = seeded
    today = timezone.localdate()
    regular = ScreeningRound.objects.filter(kind=RoundKind.REGULAR)
    assert regular.filter(organizing_unit__code__in=DISTRICTS).count() == 6
    assert ScreeningRound.objects.filter(kind=RoundKind.SPECIAL).count() == 1
    submitted = ScreeningReport.objects.filter(submitted_at__isnull=False)
    assert submitted.filter(nothing_found=True).exists()
    assert any(report.submitted_late for report in submitted)
    assert ScreeningReport.objects.filter(submitted_at__isnull=True).exists()
    states = set(DisputeItem.objects.values_list("status", flat=True))
    assert states == set(DisputeStatus.values)
    converted = DisputeItem.objects.get(status=DisputeStatus.CONVERTED)
    assert converted.petition.case is not None
    assert DisputeItem.objects.filter(status=DisputeStatus.OPEN, due_on__lt=today).exists()
    assert "7 disputes;" in out and "3 cases on the backlog ledger" in out
    # S5 reported and acknowledged, S3 awaiting acknowledgement, S4 still to be reported.
    states = set(UrgentReport.objects.values_list("status", flat=True))
    assert states == set(UrgentStatus.values)
    assert "3 major or urgent matters reported" in out
    models = (ScreeningRound, ScreeningReport, DisputeItem, UrgentReport)
    before = {model: model.objects.count() for model in models}
    assert "Ledgers demo: already there." in seed()
    assert {model: model.objects.count() for model in models} == before


def test_the_demo_puts_cases_on_the_backlog_ledger(seeded):
    """S4 sponsored by the county leader and still being resolved, C2 resolved, S5 overdue
    (reminded and escalated by the scan); each case's timeline shows it on the ledger."""
    from cases.models import CaseEvent
    from demo.seed import story_cases
    from ledgers.models import BacklogEntry, BacklogStatus, LedgerEvent

    today = timezone.localdate()
    numbers = {code: rows[0][0] for code, rows in story_cases().items() if rows}
    entries = {
        entry.case.number: entry
        for entry in BacklogEntry.objects.select_related("case", "sponsoring_leader", "lead_unit")
    }
    s4 = entries[numbers["S4"]]
    assert s4.is_open and s4.due_on >= today
    assert s4.sponsoring_leader.username == "jzd3-leader" and s4.lead_unit.code == "JZD3YMB"
    assert s4.progress_reports.count() == 1
    assert entries[numbers["C2"]].status == BacklogStatus.RESOLVED
    overdue = entries[numbers["S5"]]
    assert overdue.is_open and overdue.due_on < today
    assert overdue.case.status == "closed"  # a closed case stays on until its outcome
    assert LedgerEvent.objects.filter(
        ledger="backlog", object_id=overdue.pk, kind="escalated"
    ).exists()
    placed = CaseEvent.objects.filter(kind="backlog_placed").values_list("case__number", flat=True)
    assert set(placed) == set(entries)
    before = BacklogEntry.objects.count()
    assert "Ledgers demo: already there." in seed()
    assert BacklogEntry.objects.count() == before == 3


def test_the_demo_answers_suggestions_on_their_track_and_commends_one(seeded):
    """The demo's suggestions run their own answer clock (no 60-day handling), are answered
    with each decision of Art. 29, and the adopted one's suggester is commended once."""
    from cases.models import DeadlineKind, MatterKind, Reply
    from ledgers.models import SuggestionCommendation

    out = seeded
    accepted = Case.objects.filter(matter_kind=MatterKind.SUGGESTION, accepted_on__isnull=False)
    assert accepted.exists()
    assert not accepted.filter(deadlines__kind=DeadlineKind.HANDLING).exists()
    assert accepted.filter(deadlines__kind=DeadlineKind.SUGGESTION_ANSWER).exists()
    decisions = set(
        Reply.objects.filter(case__matter_kind=MatterKind.SUGGESTION).values_list(
            "opinion", flat=True
        )
    )
    assert decisions == {"adopted", "partly_adopted", "not_adopted"}
    commendation = SuggestionCommendation.objects.select_related("case").get()
    assert commendation.kind == "written"
    assert "4 suggestions, 1 suggester commended" in out
    assert "Suggestions demo: already there." in seed()
    assert SuggestionCommendation.objects.count() == 1


def test_the_demo_sets_the_districts_targets_and_the_assessment_weights(seeded):
    """The city's supervisor sets this year's targets of the three districts with last year's
    figures entered (the demo holds one year), drawn so that 清河区 is on track, 江北区's
    skip-level petitions are off track and 青山县's repeat petitions have missed; the city
    weighs its assessment. The targets page and the ranked table show them."""
    from accounts.models import OrgUnit
    from demo.ledgers import DEMO_WEIGHTS
    from ledgers.models import AnnualTarget, AssessmentScheme
    from ledgers.targets.assessment import assessment
    from ledgers.targets.selectors import TargetStatus, area_units, target_progress

    today = timezone.localdate()
    targets = AnnualTarget.objects.filter(year=today.year).select_related("unit", "set_by")
    assert {t.unit.code for t in targets} == set(DISTRICTS)
    assert {t.set_by.username for t in targets} == {"supervisor1"}
    assert all(t.repeat_base is not None and t.skip_level_base is not None for t in targets)
    city = OrgUnit.objects.get(code="JZ")
    progress = {p.unit.code: p for p in target_progress(area_units(city), today.year, today)}
    metrics = {code: {m.metric.key: m for m in progress[code].metrics} for code in DISTRICTS}
    assert progress["JZD1"].status == TargetStatus.ON_TRACK
    assert all(metric.entered for metric in metrics["JZD2"].values() if metric.metric.base)
    # The small demo's figures may be too few to be off track or missed (the plans are
    # checked on any figure below); what there is stands as drawn.
    skip, repeat = metrics["JZD2"]["skip_level"], metrics["JZD3"]["repeat"]
    assert skip.actual <= skip.allowed and repeat.status != TargetStatus.WARNING
    scheme = AssessmentScheme.objects.get(unit=city, year=today.year)
    assert {factor: getattr(scheme, factor) for factor in DEMO_WEIGHTS} == DEMO_WEIGHTS
    ranked = assessment(city, today.year, today, DEMO_WEIGHTS)
    assert {row.unit.code for row in ranked} == set(DISTRICTS)
    assert sorted(row.rank for row in ranked if row.rank) == [1, 2, 3]
    assert "Targets demo: already there." in seed()
    assert AnnualTarget.objects.filter(year=today.year).count() == 3


@pytest.mark.parametrize("actual", [7, 16, 120])
@pytest.mark.parametrize("day", [datetime.date(2026, 3, 2), datetime.date(2026, 12, 5)])
def test_the_targets_are_drawn_to_stand_as_planned(actual, day):
    """`_drawn_base` against the selector's rule: a base entered counts over the year evenly.
    (Off track needs a few petitions late in the year: 3 by December cannot be.)"""
    from ledgers.targets.selectors import share_of_year

    share, keep = share_of_year(day), 0.9
    ahead = _drawn_base(actual, 10, "ahead", share)
    assert actual <= round(ahead * share) * keep
    behind = _drawn_base(actual, 10, "behind", share)
    assert round(behind * share) * keep < actual <= behind * keep
    over = _drawn_base(actual, 10, "over", share)
    assert over * keep < actual and over > 0
