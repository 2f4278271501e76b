"""The reception record: who may record what and when, the instruction that becomes an
assignment with a supervision notice, the sponsoring leader, and nothing half-written."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from cases import services as case_services
from cases.models import Assignment, CaseEvent, Deadline, DeadlineKind, EventKind
from core.exceptions import Conflict, NotAllowed, ValidationError
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind
from escalation.models import SupervisionNotice
from notifications.models import Notification
from reception.kinds import ReceptionEventKind
from reception.models import AppointmentStatus, ReceptionRecord
from reception.records.services import reception_record
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    RECEPTION_DAY,
    SHANGHAI,
    appointment,
    pin_now,
    reception_case,
    reception_now,
    schedule,
)

D = datetime.date


def instruction_kwargs(street, **overrides) -> dict:
    values = {
        "attended": True,
        "account": "信访人反映公司拖欠工资三个月。",
        "instruction": "请东湖街道十日内核实，督促公司支付工资并报告结果。",
        "resolved_on_spot": False,
        "responsible_unit": street,
        "responsible_person": "孙街道",
        "due_on": D(2026, 12, 8),
    }
    values.update(overrides)
    return values


def nothing_written(appointment) -> None:
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not ReceptionRecord.objects.exists()
    assert not Assignment.objects.exists()
    assert not SupervisionNotice.objects.exists()
    case = appointment.case
    case.refresh_from_db()
    assert case.sponsoring_leader_id is None
    assert not CaseEvent.objects.filter(
        case=case,
        kind__in=[EventKind.ASSIGNED, EscalationEventKind.SUPERVISION_ISSUED, EventKind.SPONSORED],
    ).exists()


def test_an_instruction_becomes_an_assignment_and_a_supervision_notice_on_the_timeline(
    appointment, city_leader, street_handler, org
):
    record = reception_record(
        actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assignment = record.assignment
    assert assignment.lead_unit == org.d1_street
    assert assignment.due_on == D(2026, 12, 8)
    assert assignment.responsible_person == "孙街道"
    assert assignment.leader == city_leader
    assert assignment.instructions.startswith("请东湖街道十日内核实")
    assert assignment.deadlines.get(kind=DeadlineKind.ASSIGNMENT).due_on == D(2026, 12, 8)
    notice = record.supervision_notice
    assert notice.unit == org.d1_street
    assert notice.due_on == D(2026, 12, 8)
    assert notice.issued_by == city_leader
    assert notice.content == assignment.instructions
    assert Deadline.objects.filter(
        kind=EscalationDeadlineKind.SUPERVISION_NOTICE, case=appointment.case
    )
    case = appointment.case
    case.refresh_from_db()
    assert case.sponsoring_leader == city_leader
    assert case.status == "in_progress"
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.ASSIGNED in kinds and EscalationEventKind.SUPERVISION_ISSUED in kinds
    held = case.events.get(kind=ReceptionEventKind.RECEPTION_HELD)
    assert held.effective_on == appointment.day.date and "请东湖街道十日内核实" in held.comment
    # The street office hears of both.
    titles = list(
        Notification.objects.filter(recipient=street_handler).values_list("title", flat=True)
    )
    assert any(notice.number in title for title in titles)
    assert any("交办" in title or "assigned" in title.lower() for title in titles)


def test_the_case_detail_page_shows_the_assignment_and_the_notice_in_its_timeline(
    appointment, city_leader, org, client
):
    record = reception_record(
        actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
    )
    client.force_login(city_leader)
    page = client.get(f"/cases/{appointment.case.number}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert 'data-event="assigned"' in timeline
    assert 'data-event="supervision_issued"' in timeline
    assert record.instruction in timeline
    # The assignment's clock with its due date.
    assert "2026-12-08" in page


def test_resolved_on_the_spot_assigns_nothing_and_the_leader_becomes_the_sponsor(
    appointment, city_leader
):
    record = reception_record(
        actor=city_leader,
        appointment=appointment,
        attended=True,
        account="信访人反映工资问题。",
        instruction="当场协调公司负责人，承诺本周内支付。",
        resolved_on_spot=True,
    )
    assert record.resolved_on_spot and record.assignment is None
    assert record.supervision_notice is None
    case = appointment.case
    case.refresh_from_db()
    assert case.sponsoring_leader == city_leader
    event = case.events.get(kind=EventKind.SPONSORED)
    assert event.actor == city_leader and event.data["appointment"] == appointment.pk
    assert not Assignment.objects.exists() and not SupervisionNotice.objects.exists()


def test_a_case_sponsored_by_another_leader_keeps_its_sponsor(
    appointment, city_leader, d2_leader, org
):
    from tests.factories import UserFactory

    other = UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])
    case = appointment.case
    case.sponsoring_leader = other
    case.save(update_fields=["sponsoring_leader"])
    reception_record(
        actor=city_leader,
        appointment=appointment,
        attended=True,
        account="说明情况",
        instruction="",
        resolved_on_spot=True,
    )
    case.refresh_from_db()
    assert case.sponsoring_leader == other
    assert not case.events.filter(kind=EventKind.SPONSORED).exists()


def test_reception_staff_record_a_no_show_but_nothing_else(appointment, reception1, org):
    with pytest.raises(NotAllowed):
        reception_record(
            actor=reception1, appointment=appointment, **instruction_kwargs(org.d1_street)
        )
    nothing_written(appointment)
    record = reception_record(
        actor=reception1,
        appointment=appointment,
        attended=False,
        account="信访人未到，电话无人接听。",
        instruction="",
        resolved_on_spot=False,
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert not record.attended and record.recorded_by == reception1
    case = appointment.case
    case.refresh_from_db()
    assert case.sponsoring_leader_id is None  # nobody was received


def test_someone_else_may_not_record(appointment, handler1, outsider, d2_leader, org):
    for user in (handler1, outsider, d2_leader):
        with pytest.raises(NotAllowed):
            reception_record(
                actor=user,
                appointment=appointment,
                attended=False,
                account="",
                instruction="",
                resolved_on_spot=False,
            )
    nothing_written(appointment)


def test_a_reception_is_recorded_once(appointment, city_leader, reception1, org):
    reception_record(
        actor=reception1,
        appointment=appointment,
        attended=False,
        account="",
        instruction="",
        resolved_on_spot=False,
    )
    with pytest.raises(Conflict):
        reception_record(
            actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
        )
    assert ReceptionRecord.objects.count() == 1
    assert not Assignment.objects.exists()


def test_a_cancelled_appointment_is_not_recorded(appointment, city_leader, org):
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    with pytest.raises(Conflict):
        reception_record(
            actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
        )
    assert not ReceptionRecord.objects.exists()


def test_a_reception_is_not_recorded_before_its_day(appointment, city_leader, org, time_machine):
    pin_now(time_machine, datetime.datetime(2026, 11, 25, 17, 0, tzinfo=SHANGHAI))
    with pytest.raises(Conflict):
        reception_record(
            actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
        )
    nothing_written(appointment)


def test_a_reception_may_be_recorded_days_later(appointment, city_leader, org, time_machine):
    pin_now(time_machine, datetime.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
    record = reception_record(
        actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
    )
    assert record.assignment.assigned_on == D(2026, 11, 30)


def errors_of(excinfo) -> dict:
    error = excinfo.value
    assert isinstance(error, DjangoValidationError)
    return error.message_dict


def test_not_resolved_needs_the_instruction_unit_person_and_due_date(appointment, city_leader):
    with pytest.raises(ValidationError) as excinfo:
        reception_record(
            actor=city_leader,
            appointment=appointment,
            attended=True,
            account="",
            instruction=" ",
            resolved_on_spot=False,
        )
    assert set(errors_of(excinfo)) == {
        "account",
        "instruction",
        "responsible_unit",
        "responsible_person",
        "due",
    }
    nothing_written(appointment)


def test_a_no_show_has_no_instruction_and_is_not_resolved(appointment, city_leader):
    with pytest.raises(ValidationError) as excinfo:
        reception_record(
            actor=city_leader,
            appointment=appointment,
            attended=False,
            account="",
            instruction="请核实",
            resolved_on_spot=True,
        )
    assert set(errors_of(excinfo)) == {"instruction", "resolved_on_spot"}
    nothing_written(appointment)


def test_the_assignments_errors_come_under_the_record_field_names(appointment, city_leader, org):
    # The city's education bureau is not below the case's owner (D1XFJ).
    with pytest.raises(ValidationError) as excinfo:
        reception_record(
            actor=city_leader,
            appointment=appointment,
            **instruction_kwargs(org.city_business),
        )
    assert list(errors_of(excinfo)) == ["responsible_unit"]
    nothing_written(appointment)
    # A report-back date before today.
    with pytest.raises(ValidationError) as excinfo:
        reception_record(
            actor=city_leader,
            appointment=appointment,
            **instruction_kwargs(org.d1_street, due_on=D(2026, 11, 20)),
        )
    assert list(errors_of(excinfo)) == ["due"]
    nothing_written(appointment)


def test_a_notice_refused_after_the_assignment_leaves_nothing_written(
    appointment, city_leader, org
):
    # Due today: the assignment accepts it, the supervision notice does not (after today).
    with pytest.raises(ValidationError) as excinfo:
        reception_record(
            actor=city_leader,
            appointment=appointment,
            **instruction_kwargs(org.d1_street, due_on=RECEPTION_DAY),
        )
    assert list(errors_of(excinfo)) == ["due"]
    nothing_written(appointment)
    case = appointment.case
    case.refresh_from_db()
    assert case.status == "registered"  # the acceptance inside the assignment is undone too


def test_a_closed_case_cannot_be_assigned(appointment, city_leader, org, handler1):
    case_services.case_divert(
        actor=handler1, case=appointment.case, channel="litigation", guided_to="东湖区人民法院"
    )
    with pytest.raises(Conflict):
        reception_record(
            actor=city_leader, appointment=appointment, **instruction_kwargs(org.d1_street)
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not ReceptionRecord.objects.exists()
