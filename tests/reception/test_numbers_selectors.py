"""The reception numbers per leader, checked against data counted by hand."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime

import pytest

from cases.models import Assignment
from reception.models import AppointmentPetitioner, ReceptionRecord
from reception.numbers.selectors import reception_numbers
from tests.factories import UserFactory, group_petitioners, register_petition
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    book,
    make_case,
    make_schedule,
    reception_now,
)

D = datetime.date
NOVEMBER = {"start": D(2026, 11, 1), "end": D(2026, 11, 30)}


def received(appointment, *, resolved=False, due=None, reported=None, by=None):
    """Mark `appointment` attended with its record (and assignment when `due`)."""
    appointment.status = "attended"
    appointment.save(update_fields=["status"])
    assignment = None
    if due is not None:
        case = appointment.case
        assignment = Assignment.objects.create(
            case=case,
            assigning_unit=case.owner_unit,
            lead_unit=case.owner_unit,
            responsible_person="某某",
            instructions="请办理",
            assigned_on=appointment.day.date,
            due_on=due,
            reported_on=reported,
            status="reported" if reported else "assigned",
            created_by=by,
        )
    return ReceptionRecord.objects.create(
        appointment=appointment,
        attended=True,
        account="陈述",
        instruction="批示" if due else "",
        resolved_on_spot=resolved,
        assignment=assignment,
        recorded_by=by,
    )


@pytest.fixture
def d1_leader(org):
    return UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])


@pytest.fixture
def month(reception_now, org, city_leader, d1_leader, d2_leader, reception1, handler1):
    """November 2026, counted by hand (today is 2026-11-26):

    city_leader, Thursdays and the 12th of the month:
      11-05  A1 case C1 attended, 1 petitioner (+1 inactive row), resolved on the spot
             A2 case C2 did not come
      11-12  A3 case C2 (3 petitioners) attended, instruction due 11-20, reported 11-19
             A4 case C3 attended, instruction due 11-25, reported 11-27 (late)
             A8 case C5 attended on the monthly schedule, resolved on the spot
      11-19  A5 case C1 attended, instruction due 12-10, not reported (not yet due)
      11-26  A6 case C4 booked, not yet received
      10-29  A7 case C3 attended (outside the range)
      => receptions 3 days, petitioners 1+3+1+1+1 = 7, cases C1 C2 C3 C5 = 4,
         attended 5, resolved 2 (40 %), instructions 3, due 2, on time 1 (50 %)
    d1_leader, Tuesdays:
      11-17  B1 case C6 attended, instruction due 11-20, not reported (overdue)
      => receptions 1, petitioners 1, cases 1, resolved 0 %, instructions 1, due 1, 0 %
    d2_leader: a schedule, nothing held => zeros.
    """
    thursdays = make_schedule(city_leader, reception1)
    twelfth = make_schedule(city_leader, reception1, place="市政府会议室")
    twelfth.kind, twelfth.weekdays, twelfth.days = "monthly", [], [12]
    twelfth.save()
    tuesdays = make_schedule(d1_leader, handler1, weekdays=(2,), place="区信访局")
    make_schedule(d2_leader, reception1, weekdays=(3,), place="西山区信访局")
    when = datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)
    c1, c2_reg, c3, c4, c5, c6 = (
        make_case(handler1, when),
        register_petition(handler1, received_at=when, petitioners=group_petitioners(3)),
        make_case(handler1, when),
        make_case(handler1, when),
        make_case(handler1, when),
        make_case(handler1, when),
    )
    c2 = c2_reg.petition.case
    a1 = book(thursdays, D(2026, 11, 5), c1, reception1)
    AppointmentPetitioner.objects.create(
        appointment=a1,
        petitioner_id=c2_reg.petition.parties.first().petitioner_id,
        date=D(2026, 11, 5),
        active=False,
    )
    received(a1, resolved=True, by=city_leader)
    a2 = book(thursdays, D(2026, 11, 5), c2, reception1)
    a2.status = "no_show"
    a2.save(update_fields=["status"])
    received(
        book(thursdays, D(2026, 11, 12), c2, reception1),
        due=D(2026, 11, 20),
        reported=D(2026, 11, 19),
        by=city_leader,
    )
    received(
        book(thursdays, D(2026, 11, 12), c3, reception1),
        due=D(2026, 11, 25),
        reported=D(2026, 11, 27),
        by=city_leader,
    )
    received(book(twelfth, D(2026, 11, 12), c5, reception1), resolved=True, by=city_leader)
    received(book(thursdays, D(2026, 11, 19), c1, reception1), due=D(2026, 12, 10), by=city_leader)
    book(thursdays, D(2026, 11, 26), c4, reception1)
    received(book(thursdays, D(2026, 10, 29), c3, reception1), resolved=True, by=city_leader)
    received(book(tuesdays, D(2026, 11, 17), c6, handler1), due=D(2026, 11, 20), by=d1_leader)


def as_tuple(numbers):
    return (
        numbers.leader.username,
        numbers.receptions,
        numbers.petitioners,
        numbers.cases,
        numbers.attended,
        numbers.resolved_on_spot,
        numbers.instructions,
        numbers.instructions_due,
        numbers.instructions_on_time,
    )


def test_the_numbers_of_a_month_match_the_hand_count(month, city_supervisor):
    numbers = reception_numbers(user=city_supervisor, **NOVEMBER)
    numbers.sort(key=lambda n: n.leader.username)  # (the page lists them in unit order)
    assert [as_tuple(n) for n in numbers] == [
        ("city_leader", 3, 7, 4, 5, 2, 3, 2, 1),
        ("d1_leader", 1, 1, 1, 1, 0, 1, 1, 0),
        ("d2_leader", 0, 0, 0, 0, 0, 0, 0, 0),
    ]
    city, d1, d2 = numbers
    assert city.resolved_share == pytest.approx(0.4)
    assert city.on_time_share == pytest.approx(0.5)
    assert d1.resolved_share == 0 and d1.on_time_share == 0
    assert d2.resolved_share is None and d2.on_time_share is None


def test_an_instruction_counts_once_its_due_date_passes(month, city_supervisor):
    later = reception_numbers(user=city_supervisor, **NOVEMBER, today=D(2026, 12, 11))
    assert as_tuple(later[0])[6:] == (3, 3, 1)


def test_a_range_counts_only_its_own_days(month, city_supervisor):
    numbers = reception_numbers(user=city_supervisor, start=D(2026, 10, 1), end=D(2026, 11, 5))
    assert as_tuple(numbers[0]) == ("city_leader", 2, 2, 2, 2, 2, 0, 0, 0)


def test_each_user_sees_the_leaders_of_their_area(month, handler1, d1_leader, outsider):
    assert [n.leader.username for n in reception_numbers(user=handler1, **NOVEMBER)] == [
        "d1_leader"
    ]
    assert [n.leader.username for n in reception_numbers(user=d1_leader, **NOVEMBER)] == [
        "d1_leader"
    ]
    assert reception_numbers(user=outsider, **NOVEMBER) == []


def test_the_numbers_take_four_queries_whatever_the_number_of_leaders(
    month, city_supervisor, org, reception1, django_assert_max_num_queries
):
    for index in range(10):
        leader = UserFactory(username=f"extra_leader{index}", org_unit=org.d2, roles=["leader"])
        make_schedule(leader, reception1)
    with django_assert_max_num_queries(4):
        numbers = reception_numbers(user=city_supervisor, **NOVEMBER)
    assert len(numbers) == 13
