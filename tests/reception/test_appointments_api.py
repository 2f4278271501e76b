"""API contract of appointments: GET/POST /api/v1/reception/appointments/, GET …/{id}/,
POST …/{id}/cancel/, …/move/, …/opinion/: the output, bad input on the field, 403 for the
wrong role, 404 outside the caller's scope, 409 for a full or cancelled day, bounded
queries."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reception.appointments.services.booking import appointment_book
from reception.models import Appointment, DayStatus, ReceptionDay
from tests.factories import UserFactory
from tests.reception.test_appointments_services import (
    NEXT_THURSDAY,
    THURSDAY,
    english,  # noqa: F401 (autouse: messages in English)
    make_case,
    make_schedule,
    principal,
)

URL = "/api/v1/reception/appointments/"


def api(user) -> APIClient:
    """Authenticated as `user`, messages in English (the language cookie)."""
    client = APIClient()
    client.force_authenticate(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def schedule(city_leader, reception1, org, frozen_now):
    return make_schedule(city_leader, reception1, attending=[org.city_business])


@pytest.fixture
def case(reception1, frozen_now):
    return make_case(reception1)


@pytest.fixture
def ctjy_handler(org):
    return UserFactory(username="ctjy_handler", org_unit=org.city_business, roles=["handler"])


def payload(on_case, on_schedule, **overrides) -> dict:
    return {"case": on_case.number, "schedule": on_schedule.pk, "date": "2026-11-26", **overrides}


def booked(reception1, case, schedule, date=THURSDAY) -> Appointment:
    return appointment_book(actor=reception1, case=case, schedule=schedule, date=date).appointment


# --- booking ----------------------------------------------------------------------------------


def test_post_books_and_answers_201_with_the_appointment_and_warnings(
    reception1, case, schedule, org
):
    sponsor = UserFactory(username="sponsor", org_unit=org.city, roles=["leader"], last_name="钱")
    case.sponsoring_leader = sponsor
    case.save(update_fields=["sponsoring_leader"])
    response = api(reception1).post(URL, payload(case, schedule, note="带材料"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"] == case.number and body["date"] == "2026-11-26"
    assert (body["slot"], body["time"], body["status"]) == (1, "09:00", "booked")
    assert body["leader"] == "city_leader" and body["place"] == "市信访局接待大厅"
    assert body["note"] == "带材料" and body["booked_by"] == "reception1"
    person = principal(case)
    assert body["petitioners"] == [
        {"id": person.pk, "name": person.name, "phone": person.phone_masked}
    ]
    assert person.phone not in response.content.decode()
    assert len(body["warnings"]) == 1 and "sponsored" in body["warnings"][0]
    assert body["notices"] == [] or isinstance(body["notices"], list)
    assert body["record"] is None
    assert body["url"] == f"/reception/appointments/{body['id']}/"


def test_post_with_chosen_petitioners(reception1, schedule):
    from tests.factories import group_petitioners

    case = make_case(reception1, petitioners=group_petitioners(6, representatives=2))
    ids = [p.petitioner_id for p in case.petitions.get().parties.order_by("position")[:3]]
    response = api(reception1).post(URL, payload(case, schedule, petitioners=ids), format="json")
    assert response.status_code == 201, response.json()
    assert [p["id"] for p in response.json()["petitioners"]] == ids


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"case": "NO-SUCH"}, "case"),
        ({"case": "A\x00B"}, "case"),
        ({"schedule": 999999}, "schedule"),
        ({"schedule": 2**70}, "schedule"),
        ({"schedule": "x"}, "schedule"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "2026-11-27"}, "date"),
        ({"date": "2026-11-19"}, "date"),
        ({"petitioners": ["x"]}, "petitioners"),
        ({"petitioners": [999999]}, "petitioners"),
        ({"petitioners": [2**70]}, "petitioners"),
        ({"petitioners": "1"}, "petitioners"),
        ({"note": "字" * 201}, "note"),
    ],
)
def test_bad_input_is_a_400_on_the_field(reception1, case, schedule, overrides, field):
    response = api(reception1).post(URL, payload(case, schedule, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Appointment.objects.exists()


def test_missing_fields_are_named(reception1):
    response = api(reception1).post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"case", "schedule", "date"} <= set(response.json())


def test_the_same_petitioner_twice_on_a_date_is_a_400_on_petitioners(
    reception1, case, schedule, org
):
    booked(reception1, case, schedule)
    deputy = UserFactory(username="deputy", org_unit=org.city, roles=["leader"])
    other = make_schedule(deputy, reception1)
    response = api(reception1).post(URL, payload(case, other), format="json")
    assert response.status_code == 400
    assert "already booked on 2026-11-26" in response.json()["petitioners"][0]


def test_a_full_day_is_409(reception1, schedule):
    for _ in range(2):
        booked(reception1, make_case(reception1), schedule)
    response = api(reception1).post(URL, payload(make_case(reception1), schedule), format="json")
    assert response.status_code == 409
    assert "No free slot" in response.json()["detail"]


def test_a_cancelled_day_is_409_with_its_reason(reception1, case, schedule):
    ReceptionDay.objects.create(
        schedule=schedule, date=THURSDAY, status=DayStatus.CANCELLED, reason="外出调研"
    )
    response = api(reception1).post(URL, payload(case, schedule), format="json")
    assert response.status_code == 409 and "外出调研" in response.json()["detail"]


def test_a_leader_may_not_book_403(city_leader, case, schedule):
    response = api(city_leader).post(URL, payload(case, schedule), format="json")
    assert response.status_code == 403


def test_a_schedule_outside_the_callers_area_is_no_schedule(outsider, case, schedule):
    response = api(outsider).post(URL, payload(case, schedule), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"case", "schedule"}


# --- reading ----------------------------------------------------------------------------------


def test_list_filters_by_case_date_and_leader(reception1, schedule, org):
    first, second = make_case(reception1), make_case(reception1)
    booked(reception1, first, schedule)
    booked(reception1, second, schedule, date=NEXT_THURSDAY)
    client = api(reception1)
    assert client.get(URL).json()["count"] == 2
    assert [a["case"] for a in client.get(URL, {"case": first.number}).json()["results"]] == [
        first.number
    ]
    assert [a["date"] for a in client.get(URL, {"date": "2026-12-03"}).json()["results"]] == [
        "2026-12-03"
    ]
    assert client.get(URL, {"leader": "nobody"}).json()["count"] == 0
    assert client.get(URL, {"leader": "city_leader"}).json()["count"] == 2
    assert client.get(URL, {"date": "not-a-date"}).status_code == 400


def test_list_is_scoped_and_attending_units_see_their_days(
    reception1, case, schedule, outsider, handler2, ctjy_handler, city_leader
):
    booked(reception1, case, schedule)
    assert api(outsider).get(URL).json()["count"] == 0
    assert api(handler2).get(URL).json()["count"] == 0
    assert api(ctjy_handler).get(URL).json()["count"] == 1
    assert api(city_leader).get(URL).json()["count"] == 1


def test_list_queries_do_not_grow_with_the_rows(reception1, schedule):
    booked(reception1, make_case(reception1), schedule)
    client = api(reception1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for date in (THURSDAY, NEXT_THURSDAY):
        for _ in range(2 if date == NEXT_THURSDAY else 1):
            booked(reception1, make_case(reception1), schedule, date=date)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 4
    assert len(many) == len(one)


def test_detail_and_404s(reception1, case, schedule, outsider):
    appointment = booked(reception1, case, schedule)
    response = api(reception1).get(f"{URL}{appointment.pk}/")
    assert response.status_code == 200
    assert {"notices", "record", "opinions", "petitioners"} <= set(response.json())
    assert api(outsider).get(f"{URL}{appointment.pk}/").status_code == 404
    for bad in ("0", "abc", str(2**70), "999999"):
        assert api(reception1).get(f"{URL}{bad}/").status_code == 404


# --- actions ----------------------------------------------------------------------------------


def test_cancel_answers_the_cancelled_appointment_and_a_second_cancel_is_409(
    reception1, case, schedule
):
    appointment = booked(reception1, case, schedule)
    url = f"{URL}{appointment.pk}/cancel/"
    assert api(reception1).post(url, {}, format="json").json() == {
        "reason": ["This field is required."]
    }
    response = api(reception1).post(url, {"reason": "信访人撤回"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api(reception1).post(url, {"reason": "again"}, format="json").status_code == 409


def test_cancel_by_someone_who_sees_it_but_may_not_is_403(
    reception1, case, schedule, ctjy_handler, outsider
):
    appointment = booked(reception1, case, schedule)
    url = f"{URL}{appointment.pk}/cancel/"
    assert api(ctjy_handler).post(url, {"reason": "x"}, format="json").status_code == 403
    assert api(outsider).post(url, {"reason": "x"}, format="json").status_code == 404


def test_move_to_another_day(reception1, case, schedule):
    appointment = booked(reception1, case, schedule)
    url = f"{URL}{appointment.pk}/move/"
    assert api(reception1).post(url, {"date": "x"}, format="json").status_code == 400
    response = api(reception1).post(url, {"date": "2026-12-03"}, format="json")
    assert response.status_code == 200 and response.json()["date"] == "2026-12-03"
    bad = api(reception1).post(url, {"date": "2026-12-04"}, format="json")
    assert bad.status_code == 400 and "date" in bad.json()


def test_opinion_by_an_attending_unit(reception1, case, schedule, ctjy_handler, handler1):
    appointment = booked(reception1, case, schedule)
    url = f"{URL}{appointment.pk}/opinion/"
    assert api(ctjy_handler).post(url, {"text": ""}, format="json").json().keys() == {"text"}
    response = api(ctjy_handler).post(url, {"text": "建议先行调解"}, format="json")
    assert response.status_code == 200
    assert [(o["unit"], o["text"]) for o in response.json()["opinions"]] == [
        ("CTJY", "建议先行调解")
    ]
    assert api(reception1).post(url, {"text": "x"}, format="json").status_code == 403
