"""Booking, cancelling and moving appointments, and the units' preliminary opinions
(issue 5 §3). "Today" is 2026-11-22 (a Sunday); the city leader receives on Thursdays."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import translation

from cases.models import CaseStatus
from core.exceptions import Conflict, NotAllowed, ValidationError
from notifications.models import Notification
from reception.appointments.services.booking import appointment_book
from reception.appointments.services.changes import appointment_cancel, appointment_move
from reception.appointments.services.opinions import opinion_write
from reception.models import (
    Appointment,
    AppointmentPetitioner,
    AppointmentStatus,
    DayStatus,
    PreliminaryOpinion,
    ReceptionDay,
    ReceptionSchedule,
)
from tests.factories import UserFactory, group_petitioners, register_petition

D = datetime.date
THURSDAY = D(2026, 11, 26)
NEXT_THURSDAY = D(2026, 12, 3)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the catalogue may translate them later)."""
    with translation.override("en"):
        yield


def make_schedule(leader, creator, *, slots=2, attending=(), **extra) -> ReceptionSchedule:
    schedule = ReceptionSchedule.objects.create(
        leader=leader,
        unit=leader.org_unit,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        place="市信访局接待大厅",
        slots=slots,
        valid_from=D(2026, 1, 1),
        created_by=creator,
        **extra,
    )
    schedule.attending_units.set(attending)
    return schedule


def make_case(actor, **overrides):
    return register_petition(actor, **overrides).petition.case


@pytest.fixture
def schedule(city_leader, reception1, org, frozen_now):
    return make_schedule(city_leader, reception1, attending=[org.city_business])


@pytest.fixture
def city_business_handler(org):
    return UserFactory(username="ctjy_handler", org_unit=org.city_business, roles=["handler"])


@pytest.fixture
def case(reception1, frozen_now):
    return make_case(reception1)


def principal(case):
    return case.petitions.get().parties.get(role="principal").petitioner


def book(actor, case, schedule, date=THURSDAY, **kwargs):
    return appointment_book(actor=actor, case=case, schedule=schedule, date=date, **kwargs)


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- booking ----------------------------------------------------------------------------------


def test_booking_takes_the_first_slot_with_the_principal_and_tells_leader_and_units(
    reception1, case, schedule, city_leader, city_business_handler
):
    booking = book(reception1, case, schedule, note="带身份证")
    appointment = booking.appointment
    assert (appointment.day.date, appointment.slot, appointment.status) == (
        THURSDAY,
        1,
        AppointmentStatus.BOOKED,
    )
    assert appointment.note == "带身份证" and appointment.booked_by == reception1
    assert [row.petitioner for row in appointment.petitioners.all()] == [principal(case)]
    assert booking.warnings == []
    told = set(
        Notification.objects.filter(kind="reception", case_number=case.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"city_leader", "ctjy_handler"}
    booked = case.events.get(kind="reception_booked")
    assert booked.data["date"] == THURSDAY.isoformat() and booked.actor == reception1


def test_the_next_booking_takes_the_next_slot_and_the_last_slot_gone_is_a_conflict(
    reception1, schedule
):
    first, second, third = (make_case(reception1) for _ in range(3))
    assert book(reception1, first, schedule).appointment.slot == 1
    assert book(reception1, second, schedule).appointment.slot == 2
    with pytest.raises(Conflict, match="No free slot"):
        book(reception1, third, schedule)
    assert Appointment.objects.filter(case=third).count() == 0


def test_a_cancelled_slot_is_free_again(reception1, schedule):
    first, second, third = (make_case(reception1) for _ in range(3))
    gone = book(reception1, first, schedule).appointment
    book(reception1, second, schedule)
    appointment_cancel(actor=reception1, appointment=gone, reason="信访人已息诉")
    assert book(reception1, third, schedule).appointment.slot == 1
    assert "信访人已息诉" in first.events.get(kind="reception_cancelled").comment


def test_a_day_that_is_not_a_reception_day_is_a_field_error(reception1, case, schedule):
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule, date=D(2026, 11, 27))
    assert "date" in field_errors(excinfo)


def test_a_past_day_is_refused(reception1, case, schedule):
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule, date=D(2026, 11, 19))
    assert "past" in " ".join(field_errors(excinfo)["date"])


def test_a_cancelled_day_is_a_conflict_naming_the_reason(reception1, case, schedule):
    ReceptionDay.objects.create(
        schedule=schedule, date=THURSDAY, status=DayStatus.CANCELLED, reason="外出调研"
    )
    with pytest.raises(Conflict, match="外出调研"):
        book(reception1, case, schedule)


def test_a_closed_case_cannot_be_booked(reception1, case, schedule):
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status"])
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule)
    assert "case" in field_errors(excinfo)


def test_only_reception_staff_of_the_leaders_area_may_book(case, schedule, handler2, outsider):
    for user in (handler2, outsider):
        with pytest.raises(NotAllowed):
            book(user, case, schedule)


def test_a_case_the_clerk_does_not_see_is_a_case_field_error(reception1, handler1, org):
    d2_leader = UserFactory(username="d2_leader_x", org_unit=org.d2, roles=["leader"])
    d2_schedule = make_schedule(d2_leader, reception1)
    d2_clerk = UserFactory(username="d2_clerk", org_unit=org.d2_office, roles=["reception"])
    district1_case = make_case(handler1)
    with pytest.raises(ValidationError) as excinfo:
        book(d2_clerk, district1_case, d2_schedule)
    assert field_errors(excinfo)["case"] == ["No such case."]


def test_the_same_case_twice_on_one_day_is_refused(reception1, case, schedule):
    book(reception1, case, schedule)
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule)
    assert "case" in field_errors(excinfo)


def test_the_same_petitioner_on_the_same_date_with_another_leader_is_refused(
    reception1, case, schedule, org
):
    deputy = UserFactory(username="deputy", org_unit=org.city, roles=["leader"])
    other = make_schedule(deputy, reception1)
    book(reception1, case, schedule)
    second_case = make_case(reception1)
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, second_case, other, petitioners=[principal(case).pk])
    # Not a party of the second case: that is the error here; now the same person on it.
    assert "petitioners" in field_errors(excinfo)
    repeat = register_petition(
        reception1,
        petitioners=[
            {
                "name": principal(case).name,
                "role": "principal",
                "id_number": principal(case).id_number,
                "phone": "",
            }
        ],
    ).petition.case
    assert principal(repeat) == principal(case)
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, repeat, other)
    assert "already booked on 2026-11-26" in " ".join(field_errors(excinfo)["petitioners"])


def test_the_unique_constraint_holds_even_without_the_check(reception1, case, schedule, org):
    booking = book(reception1, case, schedule)
    with pytest.raises(IntegrityError):
        AppointmentPetitioner.objects.create(
            appointment=booking.appointment, petitioner=principal(case), date=THURSDAY
        )


def test_the_constraint_violation_becomes_a_petitioners_error(
    reception1, case, schedule, org, monkeypatch
):
    """Two bookings that both passed the check: the second insert breaks the constraint,
    which the service turns into the same field error (not a 500)."""
    from reception.appointments.services import booking as appointments

    book(reception1, case, schedule)
    deputy = UserFactory(username="deputy", org_unit=org.city, roles=["leader"])
    other = make_schedule(deputy, reception1)
    repeat = register_petition(
        reception1,
        petitioners=[
            {"name": "x", "role": "principal", "id_number": principal(case).id_number, "phone": ""}
        ],
    ).petition.case
    monkeypatch.setattr(appointments, "_already_booked", lambda *args, **kwargs: None)
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, repeat, other)
    assert "petitioners" in field_errors(excinfo)
    assert not Appointment.objects.filter(case=repeat).exists()


def test_a_group_sends_chosen_representatives_at_most_five(reception1, schedule, settings):
    case = make_case(reception1, petitioners=group_petitioners(8, representatives=4))
    parties = list(case.petitions.get().parties.order_by("position"))
    chosen = [p.petitioner_id for p in parties[:5]]
    booking = book(reception1, case, schedule, petitioners=chosen)
    assert sorted(r.petitioner_id for r in booking.appointment.petitioners.all()) == sorted(chosen)
    other_case = make_case(reception1, petitioners=group_petitioners(8, representatives=4))
    too_many = [p.petitioner_id for p in other_case.petitions.get().parties.all()[:6]]
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, other_case, schedule, petitioners=too_many)
    assert "at most 5" in " ".join(field_errors(excinfo)["petitioners"])


def test_petitioners_must_be_parties_of_the_case(reception1, case, schedule):
    stranger = principal(make_case(reception1))
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule, petitioners=[stranger.pk])
    assert "petitioners" in field_errors(excinfo)


def test_a_case_sponsored_by_another_leader_books_with_a_warning(reception1, case, schedule, org):
    sponsor = UserFactory(
        username="sponsor", org_unit=org.city, roles=["leader"], last_name="钱", first_name="包案"
    )
    case.sponsoring_leader = sponsor
    case.save(update_fields=["sponsoring_leader"])
    booking = book(reception1, case, schedule)
    assert booking.appointment.pk
    assert len(booking.warnings) == 1 and "钱包案" in booking.warnings[0]


def test_no_warning_when_the_leader_sponsors_the_case(reception1, case, schedule, city_leader):
    case.sponsoring_leader = city_leader
    case.save(update_fields=["sponsoring_leader"])
    assert book(reception1, case, schedule).warnings == []


def test_a_note_too_long_is_a_field_error(reception1, case, schedule):
    with pytest.raises(ValidationError) as excinfo:
        book(reception1, case, schedule, note="字" * 201)
    assert "note" in field_errors(excinfo)


# --- cancelling and moving ------------------------------------------------------------------


def test_cancel_frees_the_petitioners_date_and_texts_them(reception1, case, schedule):
    appointment = book(reception1, case, schedule).appointment
    appointment_cancel(actor=reception1, appointment=appointment, reason="领导临时公出")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not AppointmentPetitioner.objects.filter(active=True).exists()
    texts = Notification.objects.filter(recipient=None, case_number=case.number)
    assert texts.count() == 1 and "领导临时公出" in texts.get().body
    # The same petitioner may be booked again that day.
    assert book(reception1, case, schedule).appointment.slot == 1


def test_cancel_needs_a_reason_and_a_booked_appointment(reception1, case, schedule):
    appointment = book(reception1, case, schedule).appointment
    with pytest.raises(ValidationError) as excinfo:
        appointment_cancel(actor=reception1, appointment=appointment, reason=" ")
    assert "reason" in field_errors(excinfo)
    appointment_cancel(actor=reception1, appointment=appointment, reason="撤回")
    with pytest.raises(Conflict):
        appointment_cancel(actor=reception1, appointment=appointment, reason="再撤回")


def test_the_leader_may_cancel_an_outsider_may_not(
    reception1, case, schedule, city_leader, outsider
):
    appointment = book(reception1, case, schedule).appointment
    with pytest.raises(NotAllowed):
        appointment_cancel(actor=outsider, appointment=appointment, reason="x")
    appointment_cancel(
        actor=city_leader, appointment=appointment, reason="x", tell_petitioners=False
    )
    assert not Notification.objects.filter(recipient=None).exists()


def test_move_to_another_day_takes_its_free_slot_and_moves_the_petitioners(
    reception1, case, schedule
):
    appointment = book(reception1, case, schedule).appointment
    book(reception1, make_case(reception1), schedule, date=NEXT_THURSDAY)
    moved = appointment_move(actor=reception1, appointment=appointment, date=NEXT_THURSDAY)
    assert (moved.day.date, moved.slot) == (NEXT_THURSDAY, 2)
    assert list(
        AppointmentPetitioner.objects.filter(appointment=moved).values_list("date", flat=True)
    ) == [NEXT_THURSDAY]
    assert "2026-12-03" in Notification.objects.get(recipient=None).body


def test_move_to_a_full_day_is_a_conflict_and_changes_nothing(reception1, case, schedule):
    appointment = book(reception1, case, schedule).appointment
    for _ in range(2):
        book(reception1, make_case(reception1), schedule, date=NEXT_THURSDAY)
    with pytest.raises(Conflict, match="No free slot"):
        appointment_move(actor=reception1, appointment=appointment, date=NEXT_THURSDAY)
    appointment.refresh_from_db()
    assert appointment.day.date == THURSDAY


def test_move_to_a_day_that_is_not_the_schedules_is_refused(reception1, case, schedule):
    appointment = book(reception1, case, schedule).appointment
    with pytest.raises(ValidationError) as excinfo:
        appointment_move(actor=reception1, appointment=appointment, date=D(2026, 12, 4))
    assert "date" in field_errors(excinfo)
    with pytest.raises(ValidationError):
        appointment_move(actor=reception1, appointment=appointment, date=THURSDAY)


def test_a_replacement_day_can_be_booked(reception1, case, schedule):
    cancelled = ReceptionDay.objects.create(
        schedule=schedule, date=THURSDAY, status=DayStatus.CANCELLED, reason="会议"
    )
    ReceptionDay.objects.create(schedule=schedule, date=D(2026, 11, 27), replaces=cancelled)
    assert book(reception1, case, schedule, date=D(2026, 11, 27)).appointment.slot == 1


# --- preliminary opinions ---------------------------------------------------------------------


def test_an_attending_unit_writes_one_opinion_and_may_revise_it(
    reception1, case, schedule, city_business_handler
):
    appointment = book(reception1, case, schedule).appointment
    opinion_write(actor=city_business_handler, appointment=appointment, text="建议先行调解")
    opinion_write(actor=city_business_handler, appointment=appointment, text="建议依法支付")
    opinion = PreliminaryOpinion.objects.get(appointment=appointment)
    assert opinion.text == "建议依法支付" and opinion.unit.code == "CTJY"
    titles = list(
        Notification.objects.filter(
            recipient__username="city_leader", title__contains="江城市教育局"
        )
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert len(titles) == 2 and "revised" in titles[1]


def test_a_unit_that_does_not_attend_may_not_write_an_opinion(reception1, case, schedule, handler1):
    appointment = book(reception1, case, schedule).appointment
    with pytest.raises(NotAllowed):
        opinion_write(actor=handler1, appointment=appointment, text="意见")


def test_an_empty_opinion_is_a_field_error(reception1, case, schedule, city_business_handler):
    appointment = book(reception1, case, schedule).appointment
    with pytest.raises(ValidationError) as excinfo:
        opinion_write(actor=city_business_handler, appointment=appointment, text="  ")
    assert "text" in field_errors(excinfo)


def test_no_opinion_on_the_day_itself(
    reception1, case, schedule, city_business_handler, time_machine
):
    appointment = book(reception1, case, schedule).appointment
    from django.utils import timezone

    on_the_day = datetime.datetime(2026, 11, 26, 8, 0, tzinfo=timezone.get_current_timezone())
    time_machine.move_to(on_the_day, tick=False)
    with pytest.raises(Conflict):
        opinion_write(actor=city_business_handler, appointment=appointment, text="意见")
