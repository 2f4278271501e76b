"""Four-level consultation (四级会诊): the services' rules. A case starts at level 1, goes up
exactly one level at a time with a reason, every level is held once and stays on the case;
tasks run on clocks of their own."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseEvent, Deadline
from core.exceptions import Conflict, NotAllowed
from escalation.consultations.services.followup import consultation_escalate, consultation_task_done
from escalation.consultations.services.meetings import (
    TaskDraft,
    consultation_record,
    consultations_of,
    next_level,
)
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind, EscalationNotificationKind
from escalation.models import Consultation, ConsultationTask
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def case(handler1, frozen_now):
    """A complaint received at D1XFJ on 2026-11-02 (today is 2026-11-22)."""
    return register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    ).petition.case


def record(actor, case, level=1, **overrides):
    values = {
        "held_on": D(2026, 11, 10),
        "units": [actor.org_unit],
        "attendees": "王承办、吴科长",
        "experts": "",
        "analysis": "诉求涉及工资拖欠，事实基本清楚。",
        "decision": "由区教育局牵头核实，十日内报告。",
        "tasks": [],
    }
    values.update(overrides)
    return consultation_record(actor=actor, case=case, level=level, **values)


def escalate(actor, consultation, level=None, reason="部门间意见不一，需提级会诊", on=None):
    return consultation_escalate(
        actor=actor,
        consultation=consultation,
        level=consultation.level + 1 if level is None else level,
        reason=reason,
        on=on,
    )


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def d1_leader(org):
    return _user("d1_leader", org.d1, "leader")


# --- recording ---------------------------------------------------------------------------------


def test_level_one_records_units_tasks_with_clocks_event_and_notifies_task_units(
    case, handler1, party_users, org
):
    consultation = record(
        handler1,
        case,
        units=[org.d1_office, org.d1_business],
        tasks=[TaskDraft(unit=org.d1_business, task="核实工资发放情况", due_on=D(2026, 11, 20))],
    )
    assert consultation.level == 1
    assert sorted(u.code for u in consultation.units.all()) == ["D1JY", "D1XFJ"]
    task = consultation.tasks.get()
    clock = task.deadline
    assert (clock.kind, clock.responsible_unit, clock.case) == (
        EscalationDeadlineKind.CONSULTATION_TASK,
        org.d1_business,
        case,
    )
    assert (clock.starts_on, clock.due_on, clock.met_at) == (D(2026, 11, 10), D(2026, 11, 20), None)
    event = CaseEvent.objects.get(case=case, kind=EscalationEventKind.CONSULTATION_HELD)
    assert event.effective_on == D(2026, 11, 10)
    assert event.data["level"] == 1 and event.data["units"] == ["D1XFJ", "D1JY"]
    told = Notification.objects.filter(kind=EscalationNotificationKind.CONSULTATION)
    assert [n.recipient.username for n in told] == ["d1_business"]
    assert told[0].url == f"/escalation/cases/{case.number}/consultations/"


def test_level_one_is_refused_once_the_case_has_a_consultation(case, handler1):
    record(handler1, case)
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=1)
    assert "already held" in errors(excinfo)["level"][0] or "已" in errors(excinfo)["level"][0]
    assert Consultation.objects.count() == 1


def test_level_two_needs_level_one_escalated_first(case, handler1):
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=2)
    assert list(errors(excinfo)) == ["level"]
    record(handler1, case, level=1)
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=2)
    assert list(errors(excinfo)) == ["level"]
    assert Consultation.objects.count() == 1


def test_level_three_is_refused_while_only_level_one_was_escalated(case, handler1):
    first = record(handler1, case)
    escalate(handler1, first, on=D(2026, 11, 11))
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=3, held_on=D(2026, 11, 12), experts="李教授")
    assert list(errors(excinfo)) == ["level"]


def test_a_level_out_of_range_is_a_field_error(case, handler1):
    for level in (0, 5, "2", None):
        with pytest.raises(ValidationError) as excinfo:
            record(handler1, case, level=level)
        assert "level" in errors(excinfo)


def test_the_whole_ladder_keeps_every_level_on_the_case(case, handler1):
    first = record(handler1, case, held_on=D(2026, 11, 3))
    escalate(handler1, first, on=D(2026, 11, 4))
    second = record(handler1, case, level=2, held_on=D(2026, 11, 5))
    escalate(handler1, second, on=D(2026, 11, 6))
    third = record(handler1, case, level=3, held_on=D(2026, 11, 7), experts="李教授（劳动法）")
    escalate(handler1, third, on=D(2026, 11, 8))
    fourth = record(handler1, case, level=4, held_on=D(2026, 11, 9))
    held = consultations_of(case)
    assert sorted(held) == [1, 2, 3, 4]
    assert [held[n].escalation_reason != "" for n in (1, 2, 3, 4)] == [True, True, True, False]
    assert next_level(held) is None
    with pytest.raises(ValidationError) as excinfo:
        escalate(handler1, fourth, level=5)
    assert list(errors(excinfo)) == ["level"]
    kinds = list(
        CaseEvent.objects.filter(
            case=case,
            kind__in=[
                EscalationEventKind.CONSULTATION_HELD,
                EscalationEventKind.CONSULTATION_ESCALATED,
            ],
        ).values_list("kind", flat=True)
    )
    assert kinds == ["consultation_held", "consultation_escalated"] * 3 + ["consultation_held"]


def test_the_meeting_date_is_not_in_the_future_nor_before_the_escalation(case, handler1):
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, held_on=D(2026, 11, 23))
    assert list(errors(excinfo)) == ["date"]
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, held_on=D(2026, 11, 1))  # before the case was received
    assert list(errors(excinfo)) == ["date"]
    first = record(handler1, case, held_on=D(2026, 11, 10))
    escalate(handler1, first, on=D(2026, 11, 12))
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=2, held_on=D(2026, 11, 11))
    assert list(errors(excinfo)) == ["date"]


def test_analysis_decision_people_and_a_unit_are_required(case, handler1):
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, units=[], analysis=" ", decision="", attendees="")
    assert set(errors(excinfo)) == {"units", "analysis", "decision", "attendees"}
    assert Consultation.objects.count() == 0


def test_units_outside_the_recorders_area_are_refused(case, handler1, org):
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, units=[org.d1_office, org.d2_business])
    assert "西山区教育局" in errors(excinfo)["units"][0]
    with pytest.raises(ValidationError) as excinfo:
        record(
            handler1,
            case,
            tasks=[TaskDraft(unit=org.d2_business, task="核实", due_on=D(2026, 11, 30))],
        )
    assert "Task 1" in errors(excinfo)["tasks"][0] or "任务1" in errors(excinfo)["tasks"][0]


def test_level_three_needs_its_invited_experts(case, handler1):
    first = record(handler1, case, held_on=D(2026, 11, 3))
    escalate(handler1, first, on=D(2026, 11, 3))
    second = record(handler1, case, level=2, held_on=D(2026, 11, 4))
    escalate(handler1, second, on=D(2026, 11, 4))
    with pytest.raises(ValidationError) as excinfo:
        record(handler1, case, level=3, held_on=D(2026, 11, 5), experts="")
    assert list(errors(excinfo)) == ["experts"]


def test_a_task_needs_text_and_a_due_date_after_the_meeting(case, handler1, org):
    with pytest.raises(ValidationError) as excinfo:
        record(
            handler1,
            case,
            tasks=[
                TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 10)),
                TaskDraft(unit=org.d1_business, task=" ", due_on=D(2026, 11, 30)),
            ],
        )
    assert len(errors(excinfo)["tasks"]) == 2
    assert Deadline.objects.filter(kind=EscalationDeadlineKind.CONSULTATION_TASK).count() == 0


def test_only_the_petition_office_or_supervisors_in_scope_record(
    case, handler1, street_handler, outsider, d1_supervisor, org
):
    for stranger in (street_handler, outsider):
        with pytest.raises(NotAllowed):
            record(stranger, case)
    assert record(d1_supervisor, case, units=[org.d1_business]).recording_unit == org.d1


def test_a_superuser_without_a_unit_records_no_consultation(case, org):
    # Recorded in the name of the recorder's unit: without one, refused (it was a 500).
    admin = _user("bare_admin", None, "supervisor", is_superuser=True)
    with pytest.raises(NotAllowed):
        record(admin, case, units=[org.d1_business])
    assert not Consultation.objects.exists()


def test_a_case_not_accepted_has_nothing_to_consult_on(case, handler1):
    case.status = "diverted"
    case.save(update_fields=["status"])
    with pytest.raises(Conflict):
        record(handler1, case)


# --- escalating ----------------------------------------------------------------------------------


def test_escalation_from_level_one_straight_to_level_three_is_refused(case, handler1):
    first = record(handler1, case)
    with pytest.raises(ValidationError) as excinfo:
        escalate(handler1, first, level=3)
    assert list(errors(excinfo)) == ["level"]
    first.refresh_from_db()
    assert first.escalated_on is None
    assert not CaseEvent.objects.filter(kind=EscalationEventKind.CONSULTATION_ESCALATED).exists()


def test_escalation_records_the_reason_and_notifies_who_convenes_the_next_level(
    case, handler1, d1_supervisor, d1_leader, city_supervisor
):
    first = record(handler1, case)
    escalate(handler1, first, reason="街道与教育局职责有争议", on=D(2026, 11, 12))
    first.refresh_from_db()
    assert (first.escalated_on, first.escalated_by, first.escalation_reason) == (
        D(2026, 11, 12),
        handler1,
        "街道与教育局职责有争议",
    )
    event = CaseEvent.objects.get(kind=EscalationEventKind.CONSULTATION_ESCALATED)
    assert event.data == {"consultation": first.pk, "from": 1, "to": 2}
    told = sorted(
        Notification.objects.filter(kind=EscalationNotificationKind.CONSULTATION).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == ["d1_leader", "d1_supervisor"]


def test_a_consultation_escalates_once_and_needs_a_reason(case, handler1):
    first = record(handler1, case)
    with pytest.raises(ValidationError) as excinfo:
        escalate(handler1, first, reason="  ")
    assert list(errors(excinfo)) == ["reason"]
    escalate(handler1, first)
    with pytest.raises(Conflict):
        escalate(handler1, first)


def test_escalation_date_is_not_before_the_meeting_nor_in_the_future(case, handler1):
    first = record(handler1, case, held_on=D(2026, 11, 10))
    for day in (D(2026, 11, 9), D(2026, 11, 23)):
        with pytest.raises(ValidationError) as excinfo:
            escalate(handler1, first, on=day)
        assert list(errors(excinfo)) == ["date"]


def test_strangers_cannot_escalate(case, handler1, outsider):
    first = record(handler1, case)
    with pytest.raises(NotAllowed):
        escalate(outsider, first)


# --- tasks ----------------------------------------------------------------------------------------


@pytest.fixture
def task(case, handler1, party_users, org) -> ConsultationTask:
    consultation = record(
        handler1,
        case,
        tasks=[TaskDraft(unit=org.d1_business, task="核实工资发放情况", due_on=D(2026, 11, 20))],
    )
    return consultation.tasks.get()


def test_the_tasks_unit_marks_it_done_and_its_clock_is_met_late(task, party_users):
    consultation_task_done(actor=party_users.business, task=task)
    task.refresh_from_db()
    task.deadline.refresh_from_db()
    assert task.done_on == D(2026, 11, 22)
    assert task.deadline.met_on == D(2026, 11, 22) and task.deadline.met_in_time is False


def test_a_task_done_in_time_on_a_back_entered_date(task, party_users):
    consultation_task_done(actor=party_users.business, task=task, on=D(2026, 11, 18))
    task.deadline.refresh_from_db()
    assert task.deadline.met_in_time is True


def test_only_the_tasks_unit_marks_it_done_and_only_once(task, handler1, party_users):
    with pytest.raises(NotAllowed):
        consultation_task_done(actor=handler1, task=task)
    consultation_task_done(actor=party_users.business, task=task)
    with pytest.raises(Conflict):
        consultation_task_done(actor=party_users.business, task=task)


def test_a_task_is_not_done_before_its_meeting(task, party_users):
    with pytest.raises(ValidationError) as excinfo:
        consultation_task_done(actor=party_users.business, task=task, on=D(2026, 11, 9))
    assert list(errors(excinfo)) == ["date"]
