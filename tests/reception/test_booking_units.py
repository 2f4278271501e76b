"""Booking a reception (issue 16 §1.4): the attending units come from the case (owner unit,
lead units, co-units) and may be edited; no day of another district's leader is
preselected; a leader opens the notices of their own appointments. "Today" is 2026-11-22."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.services import case_assign
from petitions.models import MatterKind
from reception.appointments.services.booking import appointment_book
from reception.appointments.services.opinions import opinion_units
from reception.models import Appointment
from reception.notices.services import notices_issue
from tests.factories import register_petition
from tests.reception.test_appointments_services import (
    THURSDAY,
    english,  # noqa: F401 (autouse: messages in English)
    make_schedule,
)

WEDNESDAY = datetime.date(2026, 11, 25)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def case(handler1, org, frozen_now):
    """A district-1 case (owner D1XFJ) assigned to D1JY with the street D1S1 as co-unit."""
    case = register_petition(handler1).petition.case
    case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_business,
        co_units=[org.d1_street],
        responsible_person="张三",
        instructions="请核查并答复。",
        due_on=datetime.date(2026, 12, 20),
    )
    return case


@pytest.fixture
def city_schedule(city_leader, reception1, org, frozen_now):
    return make_schedule(city_leader, reception1, attending=[org.city_business])


@pytest.fixture
def d2_schedule(d2_leader, reception1, frozen_now):
    schedule = make_schedule(d2_leader, reception1)
    schedule.weekdays = [3]
    schedule.save()
    return schedule


def codes(units) -> list[str]:
    return sorted(unit.code for unit in units)


def test_booking_by_default_brings_the_cases_units_and_the_usual_ones(
    reception1, case, city_schedule
):
    booking = appointment_book(actor=reception1, case=case, schedule=city_schedule, date=THURSDAY)
    units = codes(booking.appointment.attending_units.all())
    assert units == ["CTJY", "D1JY", "D1S1", "D1XFJ"]


def test_the_booking_page_offers_the_cases_units_checked_and_the_clerk_edits_them(
    reception1, case, city_schedule, org, handler1
):
    client = logged_in(reception1)
    url = reverse("reception:book", args=[case.number])
    page = client.get(url).content.decode()
    picker = re.search(r'<select name="attending_units".*?</select>', page, flags=re.S).group(0)
    checked = set(re.findall(r'<option value="(\d+)" selected>', picker))
    assert checked == {str(org.d1_office.pk), str(org.d1_business.pk), str(org.d1_street.pk)}
    principal = re.search(r'name="petitioners" value="(\d+)"', page).group(1)
    response = client.post(
        url,
        {
            "day": f"{city_schedule.pk}:{THURSDAY.isoformat()}",
            "petitioners": [principal],
            "attending_units": [org.d1_business.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    appointment = Appointment.objects.get(case=case)
    assert codes(appointment.attending_units.all()) == ["CTJY", "D1JY"]
    # The unit left out writes no opinion; the one kept does.
    assert opinion_units(handler1, appointment) == []


def test_an_accused_unit_cannot_be_chosen_to_attend(reception1, handler1, org, city_schedule):
    from core.exceptions import ValidationError

    case = register_petition(
        handler1, matter_kind=MatterKind.ACCUSATION, accused_unit=org.d1_business
    ).petition.case
    with pytest.raises(ValidationError) as error:
        appointment_book(
            actor=reception1,
            case=case,
            schedule=city_schedule,
            date=THURSDAY,
            attending_units=[org.d1_business],
        )
    assert "attending_units" in error.value.message_dict


def test_no_day_of_another_districts_leader_is_preselected(
    reception1, case, d2_schedule, city_schedule
):
    page = logged_in(reception1).get(reverse("reception:book", args=[case.number]))
    html = page.content.decode()
    d2_key = f"{d2_schedule.pk}:{WEDNESDAY.isoformat()}"
    city_key = f"{city_schedule.pk}:{THURSDAY.isoformat()}"
    days = re.findall(r'data-day="([^"]+)"', html)
    assert days.index(d2_key) < days.index(city_key)  # the district-2 day comes first
    assert not re.search(rf'value="{d2_key}"[^>]*checked', html)
    assert re.search(rf'value="{city_key}"[^>]*checked', html)


def test_only_another_districts_days_preselect_nothing(reception1, case, d2_schedule):
    html = logged_in(reception1).get(reverse("reception:book", args=[case.number])).content
    assert b'name="day"' in html
    assert not re.search(rb'name="day" value="[^"]+"[^>]*checked', html)


def test_a_leader_opens_the_notices_of_their_own_appointment(
    reception1, case, d2_schedule, d2_leader, handler2
):
    appointment = appointment_book(
        actor=reception1, case=case, schedule=d2_schedule, date=WEDNESDAY
    ).appointment
    notices_issue(actor=reception1, appointment=appointment)
    url = reverse("reception:notice", args=[appointment.pk, "leader"])
    assert logged_in(d2_leader).get(url).status_code == 200
    # Another district's user who is not the leader still sees nothing.
    assert logged_in(handler2).get(url).status_code == 404


def test_the_api_books_with_chosen_units_and_answers_them(reception1, case, city_schedule, org):
    from tests.factories import token_client

    client = token_client(reception1)
    body = {
        "case": case.number,
        "schedule": city_schedule.pk,
        "date": THURSDAY.isoformat(),
        "attending_units": ["D1JY"],
    }
    response = client.post("/api/v1/reception/appointments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["attending_units"]) == ["CTJY", "D1JY"]
    body["attending_units"] = ["NOPE"]
    response = client.post("/api/v1/reception/appointments/", body, format="json")
    assert response.status_code == 400
    assert "attending_units" in response.json()
