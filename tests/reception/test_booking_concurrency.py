"""Two clerks book the last free slot of a reception day at the same moment through the
API (issue 5 acceptance): on PostgreSQL the day's row lock lets exactly one through; the
other gets 409 "no free slot" and the day never holds more than its slots. Needs real
concurrent transactions, hence PostgreSQL."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from reception.appointments.services import booking as booking_service
from reception.appointments.services.booking import appointment_book
from reception.models import Appointment, ReceptionDay
from tests.factories import UserFactory
from tests.reception.test_appointments_services import THURSDAY, make_case, make_schedule

URL = "/api/v1/reception/appointments/"


def _book_at_once(clerks, cases, schedule) -> tuple[list[tuple[int, dict]], list]:
    barrier = threading.Barrier(len(clerks), timeout=30)
    results: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def book(clerk, case):
        try:
            client = APIClient()
            client.force_authenticate(clerk)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            payload = {"case": case.number, "schedule": schedule.pk, "date": THURSDAY.isoformat()}
            barrier.wait()
            response = client.post(URL, payload, format="json")
            with lock:
                results.append((response.status_code, response.json()))
        except BaseException as exc:  # reported by the caller
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=pair) for pair in zip(clerks, cases, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a booking hung"
    return results, errors


@pytest.fixture
def slow_slot_search(monkeypatch):
    """Hold the first booker inside its transaction, after it has taken the day's lock, so
    that the other request surely arrives while the lock is held."""
    real = booking_service._free_slot

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(booking_service, "_free_slot", slow)


@pytest.fixture
def clerks(reception1, org):
    second = UserFactory(username="reception2", org_unit=org.city_office, roles=["reception"])
    actors = [User.objects.get(pk=user.pk) for user in (reception1, second)]
    for actor in actors:
        assert actor.roles  # load the cached roles now: the threads only post
    return actors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_booking_the_last_slot_at_once_one_gets_it_the_other_409(
    postgres_only, frozen_now, clerks, reception1, city_leader, slow_slot_search
):
    schedule = make_schedule(city_leader, reception1, slots=2)
    appointment_book(actor=reception1, case=make_case(reception1), schedule=schedule, date=THURSDAY)
    cases = [make_case(reception1) for _ in clerks]

    results, errors = _book_at_once(clerks, cases, schedule)

    assert errors == []
    assert sorted(code for code, _body in results) == [201, 409], results
    loser = next(body for code, body in results if code == 409)
    assert "No free slot" in loser["detail"]
    day = ReceptionDay.objects.get(schedule=schedule, date=THURSDAY)
    assert sorted(Appointment.objects.filter(day=day).values_list("slot", flat=True)) == [1, 2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_bookings_of_a_one_slot_day_make_one_day_row_and_one_appointment(
    postgres_only, frozen_now, clerks, reception1, city_leader, slow_slot_search
):
    """Neither request finds the day's row: both create it at once, the unique constraint
    makes it one, and its lock still lets one booking through."""
    schedule = make_schedule(city_leader, reception1, slots=1)
    cases = [make_case(reception1) for _ in clerks]

    results, errors = _book_at_once(clerks, cases, schedule)

    assert errors == []
    assert sorted(code for code, _body in results) == [201, 409], results
    assert ReceptionDay.objects.filter(schedule=schedule).count() == 1
    assert Appointment.objects.filter(day__schedule=schedule).count() == 1
