"""Dispute screening services with real dates (time frozen on 2026-11-22, a Sunday): the
monthly rounds and their meeting day moved past rest days, special rounds, the units'
reports (a nil report is an answer), disputes and their ends, and every refusal leaving
nothing written."""

from __future__ import annotations

import pytest

from core.exceptions import Conflict, NotAllowed, ValidationError
from ledgers.models import (
    DisputeItem,
    DisputeStatus,
    LedgerEvent,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    RoundKind,
    ScreeningReport,
    ScreeningRound,
)
from ledgers.screening.services import (
    PetitionFacts,
    default_resolve_by,
    dispute_contain,
    dispute_convert,
    dispute_progress,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    regular_due_on,
    screening_regular_rounds_open,
    screening_report_submit,
    screening_round_open,
)
from notifications.models import Notification
from petitions.models import Petition
from tests.factories import category

from .screening_fixtures import D, draft

pytestmark = pytest.mark.usefixtures("frozen_now")


def written() -> dict:
    return {
        "rounds": ScreeningRound.objects.count(),
        "reports": ScreeningReport.objects.count(),
        "disputes": DisputeItem.objects.count(),
        "events": LedgerEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "petitions": Petition.objects.count(),
    }


# --- the meeting day and the default clock ------------------------------------------------


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (D(2026, 10, 1), D(2026, 10, 15)),  # a Thursday, a workday
        (D(2026, 11, 1), D(2026, 11, 16)),  # the 15th a Sunday: Monday
        (D(2026, 2, 1), D(2026, 2, 24)),  # the 15th in the Spring Festival (15th–23rd off)
    ],
)
def test_the_monthly_reports_are_due_on_the_meeting_day_or_the_next_workday(db, month, due):
    assert regular_due_on(month) == due


def test_the_meeting_day_is_a_setting(db, settings):
    settings.SCREENING_MEETING_DAY = 20
    assert regular_due_on(D(2026, 10, 1)) == D(2026, 10, 20)


def test_a_dispute_is_resolved_within_thirty_days_by_default_past_the_national_day(db):
    # 30 days after 1 September is 1 October, in the National Day holiday (1st–7th).
    assert default_resolve_by(D(2026, 9, 1)) == D(2026, 10, 8)


# --- rounds ---------------------------------------------------------------------------------


def test_the_scan_opens_each_districts_monthly_round_once(org, time_machine):
    time_machine.move_to("2026-12-01 08:00+08:00", tick=False)
    assert screening_regular_rounds_open(today=D(2026, 12, 1)) == 2
    assert screening_regular_rounds_open(today=D(2026, 12, 1)) == 0
    rounds = {
        r.organizing_unit.code: r for r in ScreeningRound.objects.select_related("organizing_unit")
    }
    assert set(rounds) == {"D1", "D2"}
    d1 = rounds["D1"]
    assert (d1.kind, d1.month, d1.due_on) == (RoundKind.REGULAR, D(2026, 12, 1), D(2026, 12, 15))
    units = set(d1.reports.values_list("unit__code", flat=True))
    assert units == {"D1S1", "D1S1C1"}  # the street and the community, not the bureaus
    assert set(ScreeningReport.objects.values_list("due_on", flat=True)) == {D(2026, 12, 15)}
    assert LedgerEvent.objects.filter(kind="round_opened").count() == 4


def test_januarys_round_opens_in_the_new_year(org, time_machine):
    # 2027's holidays are provisional (the `holidays` package): the 15th is a Friday.
    time_machine.move_to("2027-01-04 08:00+08:00", tick=False)
    assert screening_regular_rounds_open(today=D(2027, 1, 4)) == 2
    assert set(ScreeningRound.objects.values_list("month", "due_on")) == {
        (D(2027, 1, 1), D(2027, 1, 15))
    }


def test_no_monthly_round_is_opened_after_its_meeting_day(org):
    assert screening_regular_rounds_open(today=D(2026, 11, 22)) == 0
    assert not ScreeningRound.objects.exists()


def test_a_supervisor_opens_a_special_round_and_the_units_are_told(
    org, d1_supervisor, street_handler, community_handler
):
    round_ = screening_round_open(
        actor=d1_supervisor,
        title="元旦前专项排查",
        due_on=D(2026, 12, 25),
        units=[org.d1_street, org.d1_community],
        instructions="重点排查欠薪、征地拆迁矛盾。",
    )
    assert round_.kind == RoundKind.SPECIAL and round_.organizing_unit == org.d1
    assert round_.reports.count() == 2
    told = set(
        Notification.objects.filter(kind="screening").values_list("recipient__username", flat=True)
    )
    assert told == {"street_handler", "community_handler"}


def test_opening_a_round_is_for_supervisors_only(org, street_handler):
    before = written()
    with pytest.raises(NotAllowed):
        screening_round_open(
            actor=street_handler, title="x", due_on=D(2026, 12, 25), units=[org.d1_community]
        )
    assert written() == before


def test_a_round_refuses_a_past_day_no_title_and_units_outside_the_area(org, d1_supervisor):
    before = written()
    with pytest.raises(ValidationError) as refused:
        screening_round_open(
            actor=d1_supervisor, title=" ", due_on=D(2026, 11, 21), units=[org.d2_street]
        )
    errors = refused.value.message_dict
    assert set(errors) == {"title", "due", "units"}
    assert "西山街道" in errors["units"][0]
    assert written() == before


# --- reports --------------------------------------------------------------------------------


@pytest.fixture
def special_round(org, d1_supervisor):
    return screening_round_open(
        actor=d1_supervisor,
        title="元旦前专项排查",
        due_on=D(2026, 11, 25),
        units=[org.d1_street, org.d1_community],
    )


def _report(round_, unit) -> ScreeningReport:
    return round_.reports.get(unit=unit)


def test_a_nil_report_is_an_answer(org, special_round, community_handler):
    report = screening_report_submit(
        actor=community_handler, report=_report(special_round, org.d1_community), nothing_found=True
    )
    assert report.is_submitted and report.nothing_found and report.item_count == 0
    assert not report.submitted_late


def test_a_report_with_disputes_counts_them(org, special_round, community_handler):
    report = _report(special_round, org.d1_community)
    dispute_register(actor=community_handler, draft=draft(org.d1_community), report=report)
    dispute_register(actor=community_handler, draft=draft(org.d1_community), report=report)
    report = screening_report_submit(actor=community_handler, report=report, nothing_found=False)
    assert report.item_count == 2 and not report.nothing_found


def test_a_report_is_nil_or_has_disputes_not_both_nor_neither(
    org, special_round, community_handler
):
    report = _report(special_round, org.d1_community)
    with pytest.raises(ValidationError) as neither:
        screening_report_submit(actor=community_handler, report=report, nothing_found=False)
    assert "nothing_found" in neither.value.message_dict
    dispute_register(actor=community_handler, draft=draft(org.d1_community), report=report)
    with pytest.raises(ValidationError) as both:
        screening_report_submit(actor=community_handler, report=report, nothing_found=True)
    assert "1" in both.value.message_dict["nothing_found"][0]
    report.refresh_from_db()
    assert not report.is_submitted


def test_a_unit_reports_once_and_only_for_itself(
    org, special_round, community_handler, street_handler
):
    report = _report(special_round, org.d1_community)
    with pytest.raises(NotAllowed):
        screening_report_submit(actor=street_handler, report=report, nothing_found=True)
    screening_report_submit(actor=community_handler, report=report, nothing_found=True)
    with pytest.raises(Conflict):
        screening_report_submit(actor=community_handler, report=report, nothing_found=True)
    with pytest.raises(Conflict):
        dispute_register(actor=community_handler, draft=draft(org.d1_community), report=report)


def test_a_report_after_its_due_day_is_taken_and_shown_late(
    org, special_round, community_handler, time_machine
):
    time_machine.move_to("2026-11-26 09:00+08:00", tick=False)
    report = screening_report_submit(
        actor=community_handler, report=_report(special_round, org.d1_community), nothing_found=True
    )
    assert report.submitted_late


# --- disputes -------------------------------------------------------------------------------


def test_a_dispute_is_numbered_in_its_units_ledger(org, community_handler):
    first = dispute_register(actor=community_handler, draft=draft(org.d1_community))
    second = dispute_register(actor=community_handler, draft=draft(org.d1_community))
    assert first.number == "东湖社区纠〔2026〕1号"
    assert second.number == "东湖社区纠〔2026〕2号"
    assert first.found_on == D(2026, 11, 22) and first.status == DisputeStatus.OPEN
    assert first.parties[0] == {"role": PartyRole.APPLICANT, "name": "孙佩华"}


def test_a_major_dispute_is_told_to_the_supervisors_above_at_once(
    org, community_handler, street_handler, d1_supervisor, city_supervisor
):
    dispute_register(
        actor=community_handler,
        draft=draft(org.d1_street, risk_level=RiskLevel.MAJOR),
    )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    # The street answers for it; the district above it supervises.
    assert {"street_handler", "d1_supervisor"} <= told
    assert "city_supervisor" not in told


def test_a_dispute_needs_its_facts_and_a_unit_within_reach(org, community_handler):
    before = written()
    with pytest.raises(ValidationError) as refused:
        dispute_register(
            actor=community_handler,
            draft=draft(
                org.d2_street,
                parties=[{"role": PartyRole.APPLICANT, "name": " "}],
                place="",
                due_on=D(2026, 11, 1),
                found_on=D(2026, 11, 23),
            ),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"parties", "place", "due", "found", "responsible_unit"}
    assert written() == before


def test_a_dispute_may_go_to_a_unit_above_the_finder(org, community_handler):
    item = dispute_register(actor=community_handler, draft=draft(org.d1))
    assert item.responsible_unit == org.d1


@pytest.fixture
def dispute(org, community_handler):
    return dispute_register(actor=community_handler, draft=draft(org.d1_community))


def test_resolving_ends_the_dispute_with_how_and_when(dispute, community_handler):
    item = dispute_resolve(
        actor=community_handler,
        item=dispute,
        method=ResolutionMethod.MEDIATION,
        outcome="调解后重新聘请保洁员，当日清运。",
        on=D(2026, 11, 22),
    )
    assert (item.status, item.method, item.ended_on) == (
        DisputeStatus.RESOLVED,
        ResolutionMethod.MEDIATION,
        D(2026, 11, 22),
    )
    with pytest.raises(Conflict):
        dispute_contain(actor=community_handler, item=item, outcome="x")
    kinds = list(
        LedgerEvent.objects.filter(object_id=item.pk, ledger="dispute").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["registered", "resolved"]


def test_a_contained_dispute_stays_on_its_clock_and_may_be_resolved_later(
    dispute, community_handler
):
    item = dispute_contain(
        actor=community_handler, item=dispute, outcome="双方同意暂缓，社区每日巡查。"
    )
    assert item.status == DisputeStatus.CONTAINED and item.is_active and item.ended_on is None
    item = dispute_progress(actor=community_handler, item=item, measures="已联系物业公司。")
    assert item.measures == "已联系物业公司。"
    item = dispute_resolve(
        actor=community_handler, item=item, method=ResolutionMethod.NEGOTIATION, outcome="协商一致"
    )
    assert item.status == DisputeStatus.RESOLVED


def test_resolving_needs_a_method_an_outcome_and_a_date_not_ahead(dispute, community_handler):
    with pytest.raises(ValidationError) as refused:
        dispute_resolve(actor=community_handler, item=dispute, method="", outcome="x")
    assert "method" in refused.value.message_dict
    with pytest.raises(ValidationError) as ahead:
        dispute_resolve(
            actor=community_handler,
            item=dispute,
            method=ResolutionMethod.MEDIATION,
            outcome="x",
            on=D(2026, 11, 23),
        )
    assert "date" in ahead.value.message_dict
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_reporting_up_names_the_petition_office_above(
    org, dispute, community_handler, d1_supervisor
):
    item = dispute_report_up(
        actor=community_handler, item=dispute, outcome="涉及多个部门，社区无法化解。"
    )
    assert item.status == DisputeStatus.REPORTED_UP
    # The community's government is the street; the one above it is the district.
    assert item.reported_to == org.d1_office
    assert Notification.objects.filter(recipient=d1_supervisor, kind="screening").exists()


def test_another_units_staff_cannot_work_a_dispute(dispute, d2_street_handler, outsider):
    for actor in (d2_street_handler, outsider):
        with pytest.raises(NotAllowed):
            dispute_contain(actor=actor, item=dispute, outcome="x")


def test_a_supervisor_of_the_area_may_record_the_outcome(dispute, d1_supervisor):
    item = dispute_resolve(
        actor=d1_supervisor, item=dispute, method=ResolutionMethod.ADMINISTRATIVE, outcome="已处理"
    )
    assert item.status == DisputeStatus.RESOLVED


def test_converting_registers_a_petition_through_the_intake(org, dispute, community_handler):
    item = dispute_convert(
        actor=community_handler,
        item=dispute,
        facts=PetitionFacts(category=category(), matter_kind="complaint", petitioner_name="孙佩华"),
    )
    assert item.status == DisputeStatus.CONVERTED and item.petition is not None
    petition = item.petition
    assert petition.receiving_unit == org.d1_community
    assert petition.location_unit == org.d1_community
    assert petition.case.summary == dispute.summary
    assert petition.channel == "visit"


def test_a_refused_conversion_leaves_nothing_written(dispute, community_handler):
    before = written()
    with pytest.raises(ValidationError):
        dispute_convert(
            actor=community_handler,
            item=dispute,
            facts=PetitionFacts(category=None, matter_kind="complaint", petitioner_name="孙佩华"),
        )
    with pytest.raises(ValidationError):
        dispute_convert(
            actor=community_handler,
            item=dispute,
            facts=PetitionFacts(
                category=category(),
                matter_kind="complaint",
                petitioner_name="孙佩华",
                phone="12345",
            ),
        )
    assert written() == before
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
