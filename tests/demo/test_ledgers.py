"""seed_demo's ledgers: regular rounds of the three districts with reports (nil, late,
missing), a special round, disputes from the scenarios in every state; a rerun adds nothing."""

from django.utils import timezone

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
    assert "7 disputes;" in out
    # S5 reported and acknowledged, S3 awaiting acknowledgement, S4 still to be reported.
    states = set(UrgentReport.objects.values_list("status", flat=True))
    assert states == set(UrgentStatus.values)
    assert "3 major or urgent matters reported" in out
    models = (ScreeningRound, ScreeningReport, DisputeItem, UrgentReport)
    before = {model: model.objects.count() for model in models}
    assert "Ledgers demo: already there." in seed()
    assert {model: model.objects.count() for model in models} == before
