"""Test data for the reception record, field visit and numbers tests: a Thursday schedule of
the city leader and appointments written straight into the tables (the booking service is
another part's; these tests are about what happens after the booking)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from cases.models import Case
from reception.models import (
    Appointment,
    AppointmentPetitioner,
    ReceptionDay,
    ReceptionSchedule,
)
from tests.factories import register_petition

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Thursday 2026-11-26, 15:00: the afternoon of a reception day.
RECEPTION_NOW = datetime.datetime(2026, 11, 26, 15, 0, tzinfo=SHANGHAI)
RECEPTION_DAY = D(2026, 11, 26)


def pin_now(time_machine, when: datetime.datetime) -> datetime.datetime:
    """Stop the clock at `when` (`time_machine` is time-machine's pytest fixture)."""
    time_machine.move_to(when, tick=False)
    return when


@pytest.fixture
def reception_now(time_machine):
    return pin_now(time_machine, RECEPTION_NOW)


def make_schedule(leader, created_by, *, weekdays=(4,), place="市信访局接待大厅"):
    return ReceptionSchedule.objects.create(
        leader=leader,
        unit=leader.org_unit,
        kind="weekly",
        weekdays=list(weekdays),
        start_time=datetime.time(9),
        end_time=datetime.time(11, 30),
        place=place,
        slots=6,
        valid_from=D(2026, 1, 1),
        created_by=created_by,
    )


def make_case(handler, when: datetime.datetime | None = None) -> Case:
    when = when or datetime.datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)
    return register_petition(handler, received_at=when).petition.case


def book(schedule, date, case, booked_by, *, slot: int | None = None, status="booked"):
    """An appointment of `case` on `date` with its principal petitioner(s)."""
    day, _ = ReceptionDay.objects.get_or_create(schedule=schedule, date=date)
    if slot is None:
        slot = day.appointments.count() + 1
    appointment = Appointment.objects.create(
        day=day, case=case, slot=slot, status=status, booked_by=booked_by
    )
    people = {
        party.petitioner_id for petition in case.petitions.all() for party in petition.parties.all()
    }
    AppointmentPetitioner.objects.bulk_create(
        AppointmentPetitioner(appointment=appointment, petitioner_id=pk, date=date)
        for pk in sorted(people)
    )
    return appointment


@pytest.fixture
def schedule(city_leader, reception1):
    return make_schedule(city_leader, reception1)


@pytest.fixture
def reception_case(handler1, reception_now) -> Case:
    """A complaint registered at D1XFJ on Tuesday 2026-11-24, awaiting acceptance."""
    return make_case(handler1)


@pytest.fixture
def appointment(schedule, reception_case, reception1) -> Appointment:
    """`reception_case` booked into the city leader's reception on Thursday 2026-11-26."""
    return book(schedule, RECEPTION_DAY, reception_case, reception1)
