"""Fixtures of the notice tests (四书): a weekly Thursday schedule of the city leader with
two attending units, a case registered at the city petition office, and an appointment on
Thursday 2026-11-26 (four days after `frozen_now`), made directly with the models.

Import with `from tests.reception.notices_fixtures import *` in a test module."""

import datetime
import zoneinfo

import pytest

from notifications.models import Notification
from petitions.models import Petitioner
from reception.models import (
    Appointment,
    AppointmentPetitioner,
    ReceptionDay,
    ReceptionSchedule,
)
from tests.factories import UserFactory, petitioner, register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
RECEPTION_DATE = D(2026, 11, 26)
PLACE = "江城市信访局三楼接待室"
ID_NUMBER = "320102198001011238"
PHONE = "13912345678"
TYPED_PHONE = "13800138000"  # typed by the clerk into the petition's text
TYPED_ID = "11010519491231002X"

# The fixtures (a star import brings them into a test module).
__all__ = ["appointment", "case", "city_business_user", "leader", "schedule"]


@pytest.fixture
def leader(org):
    """The leader who receives: 刘市长 of the city government CT."""
    return UserFactory(
        username="leader_liu",
        org_unit=org.city,
        roles=["leader"],
        last_name="刘",
        first_name="市长",
    )


@pytest.fixture
def city_business_user(org):
    """A handler of the city education bureau CTJY, an attending unit."""
    return UserFactory(username="ctjy_handler", org_unit=org.city_business, roles=["handler"])


@pytest.fixture
def schedule(leader, reception1, org):
    schedule = ReceptionSchedule.objects.create(
        leader=leader,
        unit=org.city,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11, 30),
        place=PLACE,
        slots=4,
        valid_from=D(2026, 1, 1),
        created_by=reception1,
    )
    schedule.attending_units.set([org.city_business, org.d1_office])
    return schedule


@pytest.fixture
def case(reception1, frozen_now):
    return register_petition(
        reception1,
        received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI),
        summary="反映某公司拖欠工资问题",
        content=f"信访人称公司拖欠工资三个月，联系电话{TYPED_PHONE}，身份证号{TYPED_ID}。",
        demands="要求公司支付拖欠的工资",
        petitioners=[petitioner(name="张三", id_number=ID_NUMBER, phone=PHONE)],
    ).petition.case


def book(schedule, case, by, *, date=RECEPTION_DATE, slot=1) -> Appointment:
    """An appointment made with the models (the booking service is another helper's)."""
    day, _ = ReceptionDay.objects.get_or_create(schedule=schedule, date=date)
    appointment = Appointment.objects.create(day=day, case=case, slot=slot, booked_by=by)
    appointment.attending_units.set(schedule.attending_units.all())  # the usual ones only
    for person in Petitioner.objects.filter(parties__petition__case=case).distinct():
        AppointmentPetitioner.objects.create(appointment=appointment, petitioner=person, date=date)
    return appointment


@pytest.fixture
def appointment(schedule, case, reception1):
    return book(schedule, case, reception1)


def notification_rows(**filters) -> list[Notification]:
    return list(Notification.objects.filter(kind="reception", **filters).order_by("pk"))


def issue(client, appointment, next_url: str = "") -> None:
    """Issue the appointment's notices as the pages do: the button's POST."""
    from django.urls import reverse

    response = client.post(
        reverse("reception:notices_issue", args=[appointment.pk]), {"next": next_url}
    )
    assert response.status_code == 302, response.content.decode()[:500]
