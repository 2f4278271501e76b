"""Backlog ledger services with real dates (time frozen on 2026-11-22, a Sunday): putting a
case on the ledger with its assignment sheet (a backlog case by the rule, or a reason), once
while open, group cases and their sponsor, Art. 30, progress reports, the one extension, the
outcomes (依法终结 only for a terminated case; a closed case stays on the ledger until its
outcome), each refusal leaving nothing written."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent, CaseStatus
from core.exceptions import Conflict, NotAllowed, ValidationError
from ledgers.backlog.services import (
    backlog_end,
    backlog_extend,
    backlog_progress,
    backlog_sponsor,
    placing,
)
from ledgers.models import (
    BacklogEntry,
    BacklogProgress,
    BacklogStatus,
    LedgerEvent,
)
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

from .backlog_fixtures import D, d1_leader, group_case, new_case, old_case, place, received, sheet

pytestmark = pytest.mark.usefixtures("frozen_now")

__all__ = ["d1_leader"]  # a fixture, used by name


def written() -> dict:
    return {
        "entries": BacklogEntry.objects.count(),
        "reports": BacklogProgress.objects.count(),
        "ledger events": LedgerEvent.objects.count(),
        "case events": CaseEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def told() -> set[str]:
    return set(
        Notification.objects.filter(kind="backlog").values_list("recipient__username", flat=True)
    )


@pytest.fixture
def case(handler1):
    return old_case(handler1)


@pytest.fixture
def entry(org, case, d1_supervisor, d1_leader, street_handler):
    return place(d1_supervisor, case, org.d1_street, sponsoring_leader=d1_leader)


# --- putting a case on the ledger -----------------------------------------------------------


def test_a_backlog_case_goes_on_the_ledger_with_its_sheet(
    org, case, d1_supervisor, d1_leader, street_handler
):
    Notification.objects.all().delete()
    entry = place(d1_supervisor, case, org.d1_street, sponsoring_leader=d1_leader)
    assert entry.number == "东湖区积〔2026〕1号"
    assert (entry.placed_on, entry.due_on, entry.original_due_on) == (
        D(2026, 11, 22),
        D(2027, 2, 22),
        D(2027, 2, 22),
    )
    assert entry.candidate and entry.reason == ""
    assert entry.status == BacklogStatus.OPEN and entry.placing_unit == org.d1
    assert entry.sponsoring_leader == d1_leader and entry.lead_unit == org.d1_street
    # The case takes the sponsor it did not have; its timeline says it is on the ledger.
    case.refresh_from_db()
    assert case.sponsoring_leader == d1_leader
    event = CaseEvent.objects.filter(case=case, kind="backlog_placed").get()
    assert entry.number in event.comment and event.data["lead_unit"] == "D1S1"
    assert list(
        LedgerEvent.objects.filter(ledger="backlog", object_id=entry.pk).values_list(
            "kind", flat=True
        )
    ) == ["placed"]
    assert told() == {"street_handler", "d1_leader"}


def test_the_sheets_are_numbered_in_the_placing_units_series(org, handler1, d1_supervisor):
    first = place(d1_supervisor, old_case(handler1), org.d1_street)
    second = place(d1_supervisor, old_case(handler1), org.d1_office)
    assert [first.number, second.number] == ["东湖区积〔2026〕1号", "东湖区积〔2026〕2号"]


def test_a_case_that_is_no_backlog_case_needs_a_reason(org, handler1, d1_supervisor):
    fresh = new_case(handler1)
    before = written()
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, fresh, org.d1_street)
    assert fresh.number in refused.value.message_dict["reason"][0]
    assert written() == before
    entry = place(d1_supervisor, fresh, org.d1_street, reason="信访人反复到市、到省上访。")
    assert not entry.candidate and entry.reason == "信访人反复到市、到省上访。"


def test_three_petitions_in_two_years_make_a_backlog_case(org, handler1, d1_supervisor):
    fresh = new_case(handler1)
    for day in (D(2026, 9, 1), D(2026, 10, 1)):
        register_petition(handler1, received_at=received(day), case=fresh)
    entry = place(d1_supervisor, fresh, org.d1_street)
    assert entry.candidate


def test_a_terminated_case_goes_on_with_a_reason(org, handler1, d1_supervisor):
    ended = new_case(handler1)
    Case.objects.filter(pk=ended.pk).update(status=CaseStatus.TERMINATED)
    with pytest.raises(ValidationError):
        place(d1_supervisor, ended, org.d1_street)
    entry = place(d1_supervisor, ended, org.d1_street, reason="终结后仍多次进京上访。")
    assert not entry.candidate


def test_a_case_is_on_the_ledger_once_while_open(org, entry, case, d1_supervisor):
    before = written()
    with pytest.raises(Conflict) as refused:
        place(d1_supervisor, case, org.d1_office)
    assert entry.number in str(refused.value)
    assert written() == before
    backlog_end(actor=d1_supervisor, entry=entry, outcome=BacklogStatus.STOPPED, note="已息访")
    again = place(d1_supervisor, case, org.d1_office)
    assert again.number == "东湖区积〔2026〕2号"


def test_two_supervisors_at_once_put_it_on_once(org, case, d1_supervisor, monkeypatch):
    """The other supervisor's sheet lands between this one's check and its insert (where the
    database has no row locks): the one-open constraint refuses this one with a conflict, not
    an error. (Made inside this transaction here, the other sheet goes with it.)"""
    other = _user("d1_supervisor2", org.d1, "supervisor")
    real = placing.is_candidate

    def meanwhile(case_, today):
        monkeypatch.setattr(placing, "is_candidate", real)
        place(other, case_, org.d1_street)
        return real(case_, today)

    monkeypatch.setattr(placing, "is_candidate", meanwhile)
    with pytest.raises(Conflict) as refused:
        place(d1_supervisor, case, org.d1_office)
    assert case.number in str(refused.value)


def test_only_a_supervisor_puts_a_case_on(org, case, handler1, street_handler, city_leader):
    before = written()
    for actor in (handler1, street_handler, city_leader):
        with pytest.raises(NotAllowed):
            place(actor, case, org.d1_street)
    assert written() == before


def test_a_case_outside_the_supervisors_area_is_refused(org, handler2, d1_supervisor):
    theirs = old_case(handler2)
    with pytest.raises(NotAllowed):
        place(d1_supervisor, theirs, org.d1_street)
    assert not BacklogEntry.objects.exists()


def test_the_sheet_needs_its_facts(org, case, d1_supervisor):
    before = written()
    with pytest.raises(ValidationError) as refused:
        place(
            d1_supervisor,
            case,
            org.d2_street,
            responsible_persons=" ",
            plan="",
            due_on=D(2026, 11, 22),
            on=D(2026, 11, 23),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"lead_unit", "responsible_persons", "plan", "due", "date"}
    assert "西山街道" in errors["lead_unit"][0]
    assert written() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lead_unit": None}, "lead_unit"),
        ({"due_on": None}, "due"),
        ({"due_on": D(2026, 11, 1)}, "due"),
        ({"on": D(2026, 4, 9)}, "date"),  # before the case was received
    ],
)
def test_each_bad_fact_is_named(org, case, d1_supervisor, overrides, field):
    values = {**sheet(case, org.d1_street), **overrides}
    with pytest.raises(ValidationError) as refused:
        placing.backlog_place(actor=d1_supervisor, **values)
    assert set(refused.value.message_dict) == {field}


def test_a_paper_sheet_is_entered_later_with_its_day(org, case, d1_supervisor):
    entry = place(d1_supervisor, case, org.d1_street, on=D(2026, 9, 1), due_on=D(2026, 11, 1))
    assert entry.placed_on == D(2026, 9, 1) and entry.due_on == D(2026, 11, 1)
    event = CaseEvent.objects.get(case=case, kind="backlog_placed")
    assert event.effective_on == D(2026, 9, 1)


# --- the sponsoring leader ----------------------------------------------------------------


def test_a_group_case_needs_a_sponsoring_leader(org, handler1, d1_supervisor, d1_leader):
    group = group_case(handler1)
    before = written()
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, group, org.d1_street)
    assert set(refused.value.message_dict) == {"sponsoring_leader"}
    assert written() == before
    assert place(d1_supervisor, group, org.d1_street, sponsoring_leader=d1_leader)


def test_a_group_case_with_a_sponsor_already_keeps_them(org, handler1, d1_supervisor, d1_leader):
    group = group_case(handler1)
    Case.objects.filter(pk=group.pk).update(sponsoring_leader=d1_leader)
    entry = place(d1_supervisor, group, org.d1_street)
    assert entry.sponsoring_leader == d1_leader


def test_the_sponsor_is_a_leader_of_the_area_or_above(
    org, case, d1_supervisor, street_handler, d2_leader, city_leader
):
    for wrong in (street_handler, d2_leader):
        with pytest.raises(ValidationError) as refused:
            place(d1_supervisor, case, org.d1_street, sponsoring_leader=wrong)
        assert set(refused.value.message_dict) == {"sponsoring_leader"}
    entry = place(d1_supervisor, case, org.d1_street, sponsoring_leader=city_leader)
    assert entry.sponsoring_leader == city_leader


def test_a_case_has_one_sponsoring_leader(org, case, d1_supervisor, d1_leader, city_leader):
    Case.objects.filter(pk=case.pk).update(sponsoring_leader=city_leader)
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, case, org.d1_street, sponsoring_leader=d1_leader)
    assert "sponsoring_leader" in refused.value.message_dict
    entry = place(d1_supervisor, case, org.d1_street, sponsoring_leader=city_leader)
    assert entry.sponsoring_leader == city_leader


def test_a_sponsor_named_later(org, case, d1_supervisor, d1_leader, street_handler):
    entry = place(d1_supervisor, case, org.d1_street)
    assert entry.sponsoring_leader is None
    with pytest.raises(NotAllowed):
        backlog_sponsor(actor=street_handler, entry=entry, leader=d1_leader)
    with pytest.raises(ValidationError):
        backlog_sponsor(actor=d1_supervisor, entry=entry, leader=None)
    entry = backlog_sponsor(actor=d1_supervisor, entry=entry, leader=d1_leader)
    assert entry.sponsoring_leader == d1_leader
    case.refresh_from_db()
    assert case.sponsoring_leader == d1_leader
    assert CaseEvent.objects.filter(case=case, kind="backlog_sponsor_named").exists()
    with pytest.raises(Conflict):
        backlog_sponsor(actor=d1_supervisor, entry=entry, leader=d1_leader)


# --- Art. 30 --------------------------------------------------------------------------------


def test_the_accused_unit_neither_leads_nor_sponsors(org, handler1, d1_supervisor):
    accusation = old_case(handler1, matter_kind="accusation", accused_unit=org.d1_street)
    street_leader = _user("street_leader", org.d1_street, "leader")
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, accusation, org.d1_street)
    assert "lead_unit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, accusation, org.d1_office, sponsoring_leader=street_leader)
    assert "sponsoring_leader" in refused.value.message_dict
    assert place(d1_supervisor, accusation, org.d1_office)


def test_an_accusation_joining_later_shuts_the_lead_unit_out(
    org, handler1, d1_supervisor, street_handler
):
    entry = place(d1_supervisor, old_case(handler1), org.d1_street)
    # The case is made an accusation against the street after it went on the ledger.
    Case.objects.filter(pk=entry.case_id).update(
        matter_kind="accusation", accused_unit=org.d1_street
    )
    with pytest.raises(NotAllowed):
        backlog_progress(actor=street_handler, entry=entry, text="已走访")
    assert not BacklogProgress.objects.exists()


# --- progress --------------------------------------------------------------------------------


def test_the_lead_unit_reports_progress_with_its_day(entry, street_handler, d1_supervisor):
    Notification.objects.all().delete()
    entry = backlog_progress(
        actor=street_handler, entry=entry, text="已入户走访12户。", on=D(2026, 11, 22)
    )
    backlog_progress(actor=street_handler, entry=entry, text="补记：召开协调会。")
    report = BacklogProgress.objects.order_by("pk").first()
    assert (report.reported_on, report.unit.code, report.text) == (
        D(2026, 11, 22),
        "D1S1",
        "已入户走访12户。",
    )
    entry.refresh_from_db()
    assert entry.last_progress_on == D(2026, 11, 22)
    assert CaseEvent.objects.filter(kind="backlog_progress").count() == 2
    # The supervisor who put it on and the sponsor hear of it.
    assert told() == {"d1_supervisor", "d1_leader"}


def test_the_sponsor_reports_progress_too(entry, d1_leader):
    backlog_progress(actor=d1_leader, entry=entry, text="包案领导主持召开协调会。")
    assert BacklogProgress.objects.get().unit.code == "D1"


def test_progress_is_the_lead_units_and_dated_within_the_entry(
    entry, handler1, street_handler, d1_supervisor
):
    before = written()
    for actor in (handler1, d1_supervisor):
        with pytest.raises(NotAllowed):
            backlog_progress(actor=actor, entry=entry, text="x")
    with pytest.raises(ValidationError) as empty:
        backlog_progress(actor=street_handler, entry=entry, text="  ")
    assert "text" in empty.value.message_dict
    for day in (D(2026, 11, 21), D(2026, 11, 23)):
        with pytest.raises(ValidationError) as refused:
            backlog_progress(actor=street_handler, entry=entry, text="x", on=day)
        assert "date" in refused.value.message_dict
    assert written() == before


# --- the time limit ------------------------------------------------------------------------


def test_the_time_limit_is_extended_once_with_a_reason(entry, d1_supervisor, street_handler):
    with pytest.raises(NotAllowed):
        backlog_extend(actor=street_handler, entry=entry, due_on=D(2027, 3, 31), reason="x")
    with pytest.raises(ValidationError) as refused:
        backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2027, 2, 22), reason=" ")
    assert set(refused.value.message_dict) == {"due", "reason"}
    entry = backlog_extend(
        actor=d1_supervisor, entry=entry, due_on=D(2027, 3, 31), reason="需待省里政策明确。"
    )
    assert (entry.due_on, entry.original_due_on, entry.extended_on) == (
        D(2027, 3, 31),
        D(2027, 2, 22),
        D(2026, 11, 22),
    )
    assert CaseEvent.objects.filter(kind="backlog_extended").get().data["to"] == "2027-03-31"
    with pytest.raises(Conflict):
        backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2027, 4, 30), reason="再延")


def test_an_overdue_entry_is_extended_past_today(org, case, d1_supervisor):
    entry = place(d1_supervisor, case, org.d1_street, on=D(2026, 9, 1), due_on=D(2026, 11, 1))
    with pytest.raises(ValidationError) as refused:
        backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2026, 11, 20), reason="x")
    assert "2026-11-22" in refused.value.message_dict["due"][0]
    assert backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2026, 12, 20), reason="x")


# --- the outcome ------------------------------------------------------------------------------


def test_resolving_takes_it_off_the_ledger(entry, d1_supervisor, street_handler):
    Notification.objects.all().delete()
    entry = backlog_end(
        actor=d1_supervisor,
        entry=entry,
        outcome=BacklogStatus.RESOLVED,
        note="补偿款已足额发放，信访人签订息访协议。",
        on=D(2026, 11, 22),
    )
    assert (entry.status, entry.ended_on, entry.ended_by) == (
        BacklogStatus.RESOLVED,
        D(2026, 11, 22),
        d1_supervisor,
    )
    event = CaseEvent.objects.get(kind="backlog_ended")
    assert event.data == {"sheet": entry.number, "outcome": "resolved"}
    assert "化解" in event.comment
    assert told() == {"street_handler", "d1_leader"}
    for step in (
        lambda: backlog_progress(actor=street_handler, entry=entry, text="x"),
        lambda: backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2027, 5, 1), reason="x"),
        lambda: backlog_end(actor=d1_supervisor, entry=entry, outcome="stopped", note="x"),
    ):
        with pytest.raises(Conflict):
            step()


def test_the_outcome_is_the_supervisors_and_needs_its_facts(
    entry, street_handler, d1_leader, d1_supervisor
):
    before = written()
    for actor in (street_handler, d1_leader):
        with pytest.raises(NotAllowed):
            backlog_end(actor=actor, entry=entry, outcome="resolved", note="x")
    for outcome, note, on, field in (
        ("closed", "x", None, "outcome"),
        ("", "x", None, "outcome"),
        ("resolved", " ", None, "note"),
        ("resolved", "x", D(2026, 11, 23), "date"),
        ("resolved", "x", D(2026, 11, 21), "date"),
    ):
        with pytest.raises(ValidationError) as refused:
            backlog_end(actor=d1_supervisor, entry=entry, outcome=outcome, note=note, on=on)
        assert field in refused.value.message_dict
    assert written() == before


def test_terminated_by_law_only_for_a_terminated_case(entry, d1_supervisor):
    with pytest.raises(ValidationError) as refused:
        backlog_end(actor=d1_supervisor, entry=entry, outcome="terminated", note="已终结")
    assert "outcome" in refused.value.message_dict
    Case.objects.filter(pk=entry.case_id).update(status=CaseStatus.TERMINATED)
    entry = backlog_end(actor=d1_supervisor, entry=entry, outcome="terminated", note="复核终结")
    assert entry.status == BacklogStatus.TERMINATED


def test_a_closed_case_stays_on_the_ledger_until_its_outcome(entry, street_handler, d1_supervisor):
    Case.objects.filter(pk=entry.case_id).update(status=CaseStatus.CLOSED)
    backlog_progress(actor=street_handler, entry=entry, text="答复后继续做信访人工作。")
    entry.refresh_from_db()
    assert entry.is_open
    entry = backlog_end(actor=d1_supervisor, entry=entry, outcome="stopped", note="已息访息诉")
    assert entry.status == BacklogStatus.STOPPED


def test_a_supervisor_outside_the_lead_units_area_does_not_manage_it(entry, org):
    city_supervisor_of_other = _user("cy_supervisor", org.other_city, "supervisor")
    with pytest.raises(NotAllowed):
        backlog_end(actor=city_supervisor_of_other, entry=entry, outcome="resolved", note="x")


def test_a_paper_record_is_never_dated_before_the_cases_previous_step(
    org, case, handler1, d1_supervisor, street_handler
):
    """Each step is one of the case's too: its timeline runs forward."""
    register_petition(handler1, received_at=received(D(2026, 11, 1)), case=case)
    with pytest.raises(ValidationError) as refused:
        place(d1_supervisor, case, org.d1_street, on=D(2026, 10, 1))
    assert "date" in refused.value.message_dict
    entry = place(d1_supervisor, case, org.d1_street, on=D(2026, 11, 2))
    case.refresh_from_db()
    assert case.last_step_on == D(2026, 11, 2)
    backlog_progress(actor=street_handler, entry=entry, text="走访", on=D(2026, 11, 20))
    with pytest.raises(ValidationError) as refused:
        backlog_progress(actor=street_handler, entry=entry, text="补记", on=D(2026, 11, 10))
    assert "2026" in refused.value.message_dict["date"][0]
    with pytest.raises(ValidationError):
        backlog_end(
            actor=d1_supervisor, entry=entry, outcome="resolved", note="x", on=D(2026, 11, 19)
        )
    days = list(
        CaseEvent.objects.filter(case=case).order_by("pk").values_list("effective_on", flat=True)
    )
    assert days == sorted(days)
