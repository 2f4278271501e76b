"""Appointment pages: booking from a case (days with free slots, who comes, warnings shown
before confirming, inline errors), the appointment with its opinions and forms, the day's
sheet for printing, and the case panel; scoped (404) and with bounded queries."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reception.appointments.services.booking import appointment_book
from reception.appointments.services.opinions import opinion_write
from reception.models import Appointment, AppointmentStatus, PreliminaryOpinion
from tests.factories import UserFactory, group_petitioners
from tests.reception.test_appointments_services import (
    NEXT_THURSDAY,
    THURSDAY,
    english,  # noqa: F401 (autouse: messages in English)
    make_case,
    make_schedule,
    principal,
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def html(response) -> str:
    return response.content.decode()


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{name}">([^<]*)<', page)
    return found.group(1) if found else None


@pytest.fixture
def schedule(city_leader, reception1, org, frozen_now):
    return make_schedule(city_leader, reception1, attending=[org.city_business])


@pytest.fixture
def case(reception1, frozen_now):
    return make_case(reception1)


@pytest.fixture
def ctjy_handler(org):
    return UserFactory(username="ctjy_handler", org_unit=org.city_business, roles=["handler"])


def book(reception1, case, schedule, date=THURSDAY) -> Appointment:
    return appointment_book(actor=reception1, case=case, schedule=schedule, date=date).appointment


def book_url(case) -> str:
    return f"/reception/cases/{case.number}/book/"


def day_key(schedule, date) -> str:
    return f"{schedule.pk}:{date.isoformat()}"


# --- booking page -----------------------------------------------------------------------------


def test_booking_page_lists_open_days_with_free_slots_and_preselects_the_principal(
    reception1, case, schedule
):
    for _ in range(2):  # the first Thursday is full
        book(reception1, make_case(reception1), schedule)
    page = html(logged_in(reception1).get(book_url(case)))
    days = re.findall(r'data-day="([^"]+)"', page)
    assert day_key(schedule, THURSDAY) not in days
    assert days[0] == day_key(schedule, NEXT_THURSDAY)
    assert len(days) == 8  # the Thursdays of the next 60 days but the full one
    person = principal(case)
    assert re.search(rf'value="{person.pk}"[^>]*checked', page)
    assert person.phone_masked in page and person.phone not in page


def test_booking_goes_to_the_appointment_page(reception1, case, schedule):
    response = logged_in(reception1).post(
        book_url(case),
        {"day": day_key(schedule, THURSDAY), "petitioners": [principal(case).pk], "note": "带材料"},
    )
    appointment = Appointment.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == f"/reception/appointments/{appointment.pk}/"
    assert appointment.note == "带材料" and appointment.slot == 1


def test_another_sponsoring_leader_is_shown_before_anything_is_booked(
    reception1, case, schedule, org
):
    sponsor = UserFactory(username="sponsor", org_unit=org.city, roles=["leader"], last_name="钱")
    case.sponsoring_leader = sponsor
    case.save(update_fields=["sponsoring_leader"])
    client = logged_in(reception1)
    data = {"day": day_key(schedule, THURSDAY), "petitioners": [principal(case).pk]}
    first = client.post(book_url(case), data)
    page = html(first)
    assert first.status_code == 200 and 'id="book-warnings"' in page and "钱" in page
    assert not Appointment.objects.exists()
    assert re.search(r'name="confirm" value="True"', page)
    second = client.post(book_url(case), {**data, "confirm": "True"})
    assert second.status_code == 302 and Appointment.objects.filter(case=case).count() == 1


def test_booking_errors_are_shown_at_the_fields(reception1, case, schedule):
    client = logged_in(reception1)
    response = client.post(book_url(case), {"petitioners": [], "note": "字" * 201})
    page = html(response)
    assert response.status_code == 400
    assert field_error(page, "day") and field_error(page, "petitioners")
    assert field_error(page, "note")


def test_a_second_booking_of_the_case_that_day_is_an_inline_error(reception1, case, schedule):
    book(reception1, case, schedule)
    response = logged_in(reception1).post(
        book_url(case), {"day": day_key(schedule, THURSDAY), "petitioners": [principal(case).pk]}
    )
    assert response.status_code == 400
    assert "already booked" in html(response)


def test_a_group_may_choose_up_to_five_representatives(reception1, schedule):
    case = make_case(reception1, petitioners=group_petitioners(8, representatives=4))
    parties = list(case.petitions.get().parties.order_by("position"))
    client = logged_in(reception1)
    page = html(client.get(book_url(case)))
    checked = re.findall(r'value="(\d+)"[^>]*checked', page)
    assert sorted(map(int, checked)) == sorted(p.petitioner_id for p in parties[:5])
    too_many = [p.petitioner_id for p in parties[:6]]
    response = client.post(
        book_url(case), {"day": day_key(schedule, THURSDAY), "petitioners": too_many}
    )
    assert response.status_code == 400 and "at most 5" in field_error(html(response), "petitioners")


def test_booking_is_refused_to_whoever_may_not_book_and_404_outside_scope(
    case, schedule, city_leader, outsider
):
    assert logged_in(city_leader).get(book_url(case)).status_code == 403
    assert logged_in(outsider).get(book_url(case)).status_code == 404


# --- the appointment page ---------------------------------------------------------------------


def test_appointment_page_shows_day_case_petitioners_masked_and_opinions(
    reception1, case, schedule, ctjy_handler
):
    appointment = book(reception1, case, schedule)
    opinion_write(actor=ctjy_handler, appointment=appointment, text="建议先行调解")
    page = html(logged_in(reception1).get(f"/reception/appointments/{appointment.pk}/"))
    person = principal(case)
    assert "2026-11-26" in page and case.number in page and "市信访局接待大厅" in page
    assert person.name in page and person.phone_masked in page and person.phone not in page
    assert 'data-opinion="CTJY"' in page and "建议先行调解" in page
    assert 'id="cancel-form"' in page and 'id="move-form"' in page
    assert 'id="opinion-form"' not in page


def test_an_attending_unit_writes_its_opinion_on_the_page(
    reception1, case, schedule, ctjy_handler, outsider
):
    appointment = book(reception1, case, schedule)
    url = f"/reception/appointments/{appointment.pk}/"
    client = logged_in(ctjy_handler)
    page = html(client.get(url))
    assert 'id="opinion-form"' in page and 'id="cancel-form"' not in page
    empty = client.post(f"{url}opinion/", {"text": ""})
    assert empty.status_code == 400 and field_error(html(empty), "text")
    assert client.post(f"{url}opinion/", {"text": "建议依法支付"}).status_code == 302
    assert PreliminaryOpinion.objects.get(appointment=appointment).text == "建议依法支付"
    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(outsider).post(f"{url}opinion/", {"text": "x"}).status_code == 404


def test_cancel_and_move_on_the_page(reception1, case, schedule):
    appointment = book(reception1, case, schedule)
    url = f"/reception/appointments/{appointment.pk}/"
    client = logged_in(reception1)
    moved = client.post(f"{url}move/", {"date": NEXT_THURSDAY.isoformat()})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.day.date == NEXT_THURSDAY
    missing = client.post(f"{url}cancel/", {"reason": ""})
    assert missing.status_code == 400 and field_error(html(missing), "reason")
    assert client.post(f"{url}cancel/", {"reason": "信访人撤回"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    again = client.post(f"{url}cancel/", {"reason": "x"})
    assert again.status_code in (400, 409)


# --- the day's sheet --------------------------------------------------------------------------


def sheet_url(schedule, date=THURSDAY) -> str:
    return f"/reception/schedules/{schedule.pk}/{date.isoformat()}/"


def test_day_sheet_lists_appointments_in_slot_order_with_the_case_brief(
    reception1, schedule, ctjy_handler, org
):
    first, second = make_case(reception1), make_case(reception1)
    sponsor = UserFactory(username="sponsor", org_unit=org.city, roles=["leader"], last_name="钱")
    second.sponsoring_leader = sponsor
    second.save(update_fields=["sponsoring_leader"])
    a1 = book(reception1, first, schedule)
    book(reception1, second, schedule)
    opinion_write(actor=ctjy_handler, appointment=a1, text="建议先行调解")
    page = html(logged_in(reception1).get(sheet_url(schedule)))
    assert re.findall(r'data-sheet-row="(\d+)"', page) == ["1", "2"]
    assert page.index(first.number) < page.index(second.number)
    assert "建议先行调解" in page and "钱" in page and "拖欠工资" in page
    for case in (first, second):
        person = principal(case)
        assert person.phone_masked in page and person.phone not in page
    assert "css/day_sheet.css" in page  # its print layout (@media print)
    assert "@media print" in (settings.BASE_DIR / "static/css/day_sheet.css").read_text()


def test_day_sheet_is_404_outside_scope_and_for_a_bad_date(reception1, schedule, outsider):
    assert logged_in(outsider).get(sheet_url(schedule)).status_code == 404
    client = logged_in(reception1)
    assert client.get(f"/reception/schedules/{schedule.pk}/2026-13-45/").status_code == 404
    assert client.get("/reception/schedules/999999999/2026-11-26/").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_day_sheet_and_panel_queries_do_not_grow_with_the_appointments(
    reception1, city_leader, ctjy_handler, org, frozen_now
):
    schedule = make_schedule(city_leader, reception1, slots=12, attending=[org.city_business])
    client = logged_in(reception1)
    case = make_case(reception1)
    opinion_write(actor=ctjy_handler, appointment=book(reception1, case, schedule), text="意见")
    one_sheet = _queries(client, sheet_url(schedule))
    one_panel = _queries(client, f"/reception/cases/{case.number}/panel/")
    for _ in range(9):
        other = make_case(reception1)
        opinion_write(
            actor=ctjy_handler, appointment=book(reception1, other, schedule), text="意见"
        )
    for weeks in range(1, 10):  # the case on nine more Thursdays
        book(reception1, case, schedule, date=THURSDAY + datetime.timedelta(weeks=weeks))
    assert _queries(client, sheet_url(schedule)) == one_sheet
    assert _queries(client, f"/reception/cases/{case.number}/panel/") == one_panel


# --- the case panel ---------------------------------------------------------------------------


def test_panel_lists_the_cases_appointments_and_offers_booking_to_reception(
    reception1, case, schedule, city_leader, outsider
):
    appointment = book(reception1, case, schedule)
    url = f"/reception/cases/{case.number}/panel/"
    page = html(logged_in(reception1).get(url))
    assert f'data-panel-appointment="{appointment.pk}"' in page
    assert 'id="panel-book"' in page and "2026-11-26" in page
    assert 'id="panel-book"' not in html(logged_in(city_leader).get(url))
    assert logged_in(outsider).get(url).status_code == 404


def test_the_case_detail_loads_the_reception_panel(reception1, case):
    page = html(logged_in(reception1).get(f"/cases/{case.number}/"))
    assert f'data-case-panel="/reception/cases/{case.number}/panel/"' in page
