"""The reception admin is read only and its pages open (with a booking on a day)."""

import datetime

import pytest
from django.urls import reverse

from reception.appointments.services.booking import appointment_book
from reception.models import Appointment, ReceptionDay, ReceptionSchedule
from reception.schedules.services.schedules import schedule_create
from tests.factories import UserFactory, register_petition

D = datetime.date

MODELS = [
    "receptionschedule",
    "receptionday",
    "appointment",
    "preliminaryopinion",
    "receptionnotice",
    "receptionrecord",
    "fieldvisit",
]


@pytest.fixture
def booked(reception1, city_leader, org, frozen_now):
    schedule = schedule_create(
        actor=reception1,
        leader=city_leader,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        place="市信访局接待大厅",
        slots=4,
        attending_units=[org.city_business],
    )
    case = register_petition(reception1).petition.case
    return appointment_book(
        actor=reception1, case=case, schedule=schedule, date=D(2026, 11, 26)
    ).appointment


@pytest.fixture
def admin_client(client, org, frozen_now):
    # Logged in on the frozen clock: a session opened on the real one before the clock moved
    # would be seen as expired when the real date is more than two weeks before FROZEN_NOW.
    user = UserFactory(username="root", org_unit=None, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_reception_changelist_opens_and_offers_no_add(admin_client, booked, model):
    response = admin_client.get(reverse(f"admin:reception_{model}_changelist"))
    assert response.status_code == 200
    assert reverse(f"admin:reception_{model}_add") not in response.content.decode()


def test_an_appointment_is_shown_read_only_without_id_numbers_or_phones(admin_client, booked):
    page = admin_client.get(reverse("admin:reception_appointment_change", args=[booked.pk]))
    assert page.status_code == 200
    person = booked.petitioners.get().petitioner
    html = page.content.decode()
    assert person.name in html and person.phone not in html and person.id_number not in html
    assert 'name="_save"' not in html


def test_nothing_changes_through_the_admin(admin_client, booked):
    url = reverse("admin:reception_receptionschedule_change", args=[booked.day.schedule.pk])
    response = admin_client.post(url, {"place": "别处"})
    assert response.status_code == 403
    delete = reverse("admin:reception_receptionday_delete", args=[booked.day.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReceptionSchedule.objects.get().place == "市信访局接待大厅"
    assert ReceptionDay.objects.exists() and Appointment.objects.exists()
