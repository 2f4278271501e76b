"""The reception calendar, a leader's coming days, the schedule list and forms, and the form
that cancels or replaces one day (issue 5 §1, §2, §7). "Today" is 2026-11-22 (a Sunday)."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from reception.appointments.services.booking import appointment_book
from reception.models import Appointment, DayStatus, ReceptionDay, ReceptionSchedule
from reception.schedules.services.days import reception_day_cancel
from reception.schedules.services.schedules import schedule_create
from tests.factories import UserFactory, register_petition

D = datetime.date
T = datetime.time
CALENDAR = reverse("reception:calendar")


def make(actor, leader, **overrides):
    values = {
        "actor": actor,
        "leader": leader,
        "kind": "weekly",
        "weekdays": [4],
        "start_time": T(9),
        "end_time": T(11, 30),
        "place": "市信访局接待大厅",
        "slots": 4,
        "valid_from": D(2026, 1, 1),
    }
    values.update(overrides)
    return schedule_create(**values)


@pytest.fixture
def thursdays(reception1, city_leader, frozen_now):
    city_leader.last_name, city_leader.first_name = "张", "市长"
    city_leader.save()
    return make(reception1, city_leader)


def login(client, user):
    client.force_login(user)
    return client


def day_blocks(html: str) -> list[str]:
    return re.findall(r'data-day="(\d+-\d{4}-\d\d-\d\d)"', html)


# --- calendar ---------------------------------------------------------------------------------


def test_october_2026_shows_national_day_moved_and_a_cancelled_day_struck_through(
    client, reception1, thursdays
):
    ReceptionDay.objects.create(
        schedule=thursdays, date=D(2026, 10, 15), status=DayStatus.CANCELLED, reason="出差"
    )
    response = login(client, reception1).get(CALENDAR, {"month": "2026-10"})
    assert response.status_code == 200
    html = response.content.decode()
    pk = thursdays.pk
    assert day_blocks(html) == [
        f"{pk}-2026-10-08",
        f"{pk}-2026-10-15",
        f"{pk}-2026-10-22",
        f"{pk}-2026-10-29",  # the grid runs Monday 28 September to Sunday 1 November
    ]
    october_8 = html.split(f'data-day="{pk}-2026-10-08"')[1].split("data-day=")[0]
    assert "张市长" in october_8 and "09:00–11:30" in october_8 and "市信访局接待大厅" in october_8
    assert 'data-moved-from="2026-10-01"' in october_8
    cancelled = html.split(f'data-day="{pk}-2026-10-15"')[1].split("data-day=")[0]
    assert 'data-status="cancelled"' in cancelled and "出差" in cancelled
    assert 'href="?month=2026-09"' in html and 'href="?month=2026-11"' in html


def test_the_calendar_shows_booked_and_free_slots_and_offers_cancel_for_coming_days(
    client, reception1, thursdays
):
    case = register_petition(reception1).petition.case
    appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 11, 26))
    html = login(client, reception1).get(CALENDAR, {"month": "2026-11"}).content.decode()
    coming = html.split(f'data-day="{thursdays.pk}-2026-11-26"')[1].split("data-day=")[0]
    assert "1 booked · 3 free" in coming or "已约 1 · 余 3" in coming
    cancel = reverse("reception:day_cancel", args=[thursdays.pk, "2026-11-26"])
    assert cancel in coming
    past = html.split(f'data-day="{thursdays.pk}-2026-11-19"')[1].split("data-day=")[0]
    assert "data-cancel" not in past


def test_a_handler_sees_the_days_but_no_cancel_link(client, city_handler, thursdays):
    html = login(client, city_handler).get(CALENDAR, {"month": "2026-12"}).content.decode()
    assert f"{thursdays.pk}-2026-12-03" in day_blocks(html)
    assert "data-cancel" not in html


def test_an_outsider_sees_no_days_of_another_city(client, outsider, thursdays):
    html = login(client, outsider).get(CALENDAR, {"month": "2026-12"}).content.decode()
    assert day_blocks(html) == []


def test_the_leader_filter_shows_one_leaders_days(client, reception1, thursdays, org):
    other = UserFactory(username="vice_mayor", org_unit=org.city, roles=["leader"])
    make(reception1, other, weekdays=[1])
    client = login(client, reception1)
    both = day_blocks(client.get(CALENDAR, {"month": "2026-12"}).content.decode())
    only = day_blocks(
        client.get(CALENDAR, {"month": "2026-12", "leader": "vice_mayor"}).content.decode()
    )
    assert len(both) > len(only) > 0
    assert all(not block.startswith(f"{thursdays.pk}-") for block in only)


@pytest.mark.parametrize("month", ["2026-13", "abc", "1900-01"])
def test_a_bad_month_shows_this_month_with_a_warning(client, reception1, thursdays, month):
    response = login(client, reception1).get(CALENDAR, {"month": month})
    assert response.status_code == 400
    assert f"{thursdays.pk}-2026-11-26" in day_blocks(response.content.decode())


def test_the_calendar_queries_do_not_grow_with_schedules(
    client, reception1, city_leader, org, django_assert_max_num_queries
):
    make(reception1, city_leader)
    client = login(client, reception1)
    client.get(CALENDAR, {"month": "2026-12"})  # warm the session and the user
    with django_assert_max_num_queries(12) as one:
        client.get(CALENDAR, {"month": "2026-12"})
    for number in range(9):
        leader = UserFactory(username=f"leader{number}", org_unit=org.city, roles=["leader"])
        schedule = make(
            reception1, leader, weekdays=[1 + number % 5], attending_units=[org.d1_office]
        )
        ReceptionDay.objects.create(
            schedule=schedule, date=D(2026, 12, 24), status=DayStatus.CANCELLED, reason="会议"
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(CALENDAR, {"month": "2026-12"})
    assert len(day_blocks(response.content.decode())) > 20


# --- a leader's days --------------------------------------------------------------------------


def test_a_leader_sees_the_coming_days_with_the_bookings(
    client, reception1, city_leader, thursdays, django_assert_max_num_queries
):
    case = register_petition(reception1).petition.case
    appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 12, 3))
    reception_day_cancel(
        actor=reception1,
        schedule=thursdays,
        date=D(2026, 12, 10),
        reason="外出",
        move_to=D(2026, 12, 11),
    )
    client = login(client, city_leader)
    client.get(reverse("reception:my_days"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reception:my_days"))
    html = response.content.decode()
    assert re.findall(r'<section[^>]*data-day="([\d-]+)"', html)[:4] == [
        "2026-11-26",
        "2026-12-03",
        "2026-12-10",
        "2026-12-11",
    ]
    december_3 = html.split('data-day="2026-12-03"')[1].split("<section")[0]
    assert case.number in december_3
    principal = case.petitions.get().parties.get(role="principal").petitioner
    assert principal.name in december_3
    assert (
        'data-replaces="2026-12-10"' in html.split('data-day="2026-12-11"')[1].split("<section")[0]
    )


def test_a_leader_without_schedules_sees_an_empty_list(client, d2_leader, frozen_now):
    response = login(client, d2_leader).get(reverse("reception:my_days"))
    assert response.status_code == 200 and 'id="no-days"' in response.content.decode()


# --- schedules --------------------------------------------------------------------------------


def test_a_clerk_sets_up_a_monthly_schedule_by_typing_the_days(
    client, reception1, city_leader, org, frozen_now
):
    response = login(client, reception1).post(
        reverse("reception:schedule_new"),
        {
            "leader": city_leader.pk,
            "kind": "monthly",
            "weekdays": ["4"],  # left over from weekly: ignored
            "days": "10，20、30",
            "start_time": "14:30",
            "end_time": "17:00",
            "place": "区信访接待中心",
            "slots": "8",
            "attending_units": [org.d1_office.pk, org.city_business.pk],
        },
    )
    assert response.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert (schedule.kind, schedule.days, schedule.weekdays) == ("monthly", [10, 20, 30], [])
    assert schedule.valid_from == D(2026, 11, 22)
    assert set(schedule.attending_units.all()) == {org.d1_office, org.city_business}


def test_the_form_shows_each_error_at_its_field(client, reception1, city_leader, frozen_now):
    response = login(client, reception1).post(
        reverse("reception:schedule_new"),
        {
            "leader": city_leader.pk,
            "kind": "weekly",
            "days": "",
            "start_time": "11:00",
            "end_time": "09:00",
            "place": "大厅",
            "slots": "60",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("weekdays", "end_time", "slots"):
        assert f'data-field-error="{field}"' in html
    assert not ReceptionSchedule.objects.exists()


def test_days_that_are_not_numbers_are_a_field_error(client, reception1, city_leader, frozen_now):
    response = login(client, reception1).post(
        reverse("reception:schedule_new"),
        {
            "leader": city_leader.pk,
            "kind": "monthly",
            "days": "十号",
            "start_time": "09:00",
            "end_time": "11:00",
            "place": "大厅",
            "slots": "4",
        },
    )
    assert response.status_code == 400
    assert 'data-field-error="days"' in response.content.decode()


def test_a_handler_may_not_set_up_schedules(client, handler1, frozen_now):
    response = login(client, handler1).get(reverse("reception:schedule_new"))
    assert response.status_code == 403


def test_the_new_schedule_form_offers_only_leaders_of_the_area(
    client, reception1, city_leader, d2_leader, handler1, org, frozen_now
):
    UserFactory(username="far_leader", org_unit=org.other_city, roles=["leader"])
    html = login(client, reception1).get(reverse("reception:schedule_new")).content.decode()
    leader_select = html.split('name="leader"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d+)"', leader_select)
    assert str(city_leader.pk) in options and str(d2_leader.pk) in options
    assert str(handler1.pk) not in options and "far_leader" not in html


def test_changing_a_schedule_from_the_form_starts_a_new_version(client, reception1, thursdays):
    url = reverse("reception:schedule_edit", args=[thursdays.pk])
    client = login(client, reception1)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "weekly",
            "weekdays": ["2", "4"],
            "start_time": "09:00",
            "end_time": "11:30",
            "place": "市民中心",
            "slots": "4",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    new = ReceptionSchedule.objects.exclude(pk=thursdays.pk).get()
    assert new.weekdays == [2, 4] and new.valid_from == D(2026, 11, 22)


def test_schedules_outside_the_area_are_not_found(client, outsider, thursdays):
    client = login(client, outsider)
    assert client.get(reverse("reception:schedule_edit", args=[thursdays.pk])).status_code == 404
    cancel = reverse("reception:day_cancel", args=[thursdays.pk, "2026-12-03"])
    assert client.get(cancel).status_code == 404
    assert (
        client.post(reverse("reception:schedule_deactivate", args=[thursdays.pk])).status_code
        == 404
    )
    assert "no-schedules" in client.get(reverse("reception:schedule_list")).content.decode()


def test_the_schedule_list_queries_do_not_grow(
    client, reception1, org, django_assert_max_num_queries, frozen_now
):
    client = login(client, reception1)
    leader = UserFactory(username="l0", org_unit=org.city, roles=["leader"])
    make(reception1, leader, attending_units=[org.d1_office])
    client.get(reverse("reception:schedule_list"))
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("reception:schedule_list"))
    for number in range(1, 10):
        leader = UserFactory(username=f"l{number}", org_unit=org.city, roles=["leader"])
        make(
            reception1,
            leader,
            attending_units=list(OrgUnit.objects.filter(code__startswith="D1")[:3]),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reception:schedule_list"))
    assert response.content.decode().count("data-schedule=") == 10


def test_ending_a_schedule_from_the_list(client, reception1, thursdays):
    response = login(client, reception1).post(
        reverse("reception:schedule_deactivate", args=[thursdays.pk])
    )
    assert response.status_code == 302
    thursdays.refresh_from_db()
    assert thursdays.valid_until == D(2026, 11, 21)


# --- one day ----------------------------------------------------------------------------------


def test_cancelling_a_day_with_a_replacement_from_the_form(client, reception1, thursdays):
    case = register_petition(reception1).petition.case
    booking = appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 12, 3))
    url = reverse("reception:day_cancel", args=[thursdays.pk, "2026-12-03"])
    client = login(client, reception1)
    page = client.get(url)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    response = client.post(url, {"reason": "市委全会", "move_to": "2026-12-04"})
    assert response.status_code == 302 and response["Location"].endswith("?month=2026-12")
    assert Appointment.objects.get(pk=booking.appointment.pk).day.date == D(2026, 12, 4)
    html = client.get(CALENDAR, {"month": "2026-12"}).content.decode()
    replacement = html.split(f'data-day="{thursdays.pk}-2026-12-04"')[1].split("data-day=")[0]
    assert 'data-replaces="2026-12-03"' in replacement


def test_cancel_form_errors_at_the_fields(client, reception1, thursdays):
    url = reverse("reception:day_cancel", args=[thursdays.pk, "2026-12-03"])
    response = login(client, reception1).post(url, {"reason": "", "move_to": "2026-12-05"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="reason"' in html
    response = login(client, reception1).post(url, {"reason": "出差", "move_to": "2026-12-05"})
    assert 'data-field-error="move_to"' in response.content.decode()
    assert not ReceptionDay.objects.exists()


def test_cancel_page_of_a_day_that_is_no_reception_day_is_not_found(client, reception1, thursdays):
    client = login(client, reception1)
    for date in ("2026-12-04", "2026-02-30", "x"):
        url = reverse("reception:day_cancel", args=[thursdays.pk, date])
        assert client.get(url).status_code == 404


def test_a_handler_may_not_cancel_a_day(client, city_handler, thursdays):
    url = reverse("reception:day_cancel", args=[thursdays.pk, "2026-12-03"])
    assert login(client, city_handler).post(url, {"reason": "出差"}).status_code == 403
    assert not ReceptionDay.objects.exists()
