"""The record page: the leader's form with inline errors, reception staff's no-show form,
the record afterwards with links to the assignment and the supervision notice."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime
import re

from django.test import Client

from cases.models import Assignment
from escalation.models import SupervisionNotice
from reception.models import ReceptionRecord
from tests.factories import picker_offers
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    SHANGHAI,
    appointment,
    pin_now,
    reception_case,
    reception_now,
    schedule,
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(appointment) -> str:
    return f"/reception/appointments/{appointment.pk}/record/"


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def form_data(street, **overrides) -> dict:
    values = {
        "attended": "yes",
        "account": "信访人反映公司拖欠工资三个月。",
        "instruction": "请东湖街道核实并督促支付，十日内报告。",
        "responsible_unit": str(street.pk),
        "responsible_person": "孙街道",
        "due": "2026-12-08",
    }
    values.update(overrides)
    return values


def test_the_leader_sees_the_form_with_units_below_the_owner_only(appointment, city_leader, org):
    client = logged_in(city_leader)
    page = client.get(url(appointment)).content.decode()
    assert 'id="record-form"' in page
    offered = {unit["id"] for unit in picker_offers(client, page, "responsible_unit")}
    assert org.d1_street.pk in offered and org.d1_business.pk in offered
    assert org.d1_office.pk not in offered and org.city_business.pk not in offered


def test_recording_an_instruction_shows_the_record_with_its_links(appointment, city_leader, org):
    client = logged_in(city_leader)
    response = client.post(url(appointment), form_data(org.d1_street))
    assert response.status_code == 302
    page = client.get(url(appointment)).content.decode()
    assignment = Assignment.objects.get()
    notice = SupervisionNotice.objects.get()
    assert 'id="record-form"' not in page
    assert f'/cases/{appointment.case.number}/#assignment-{assignment.pk}"' in page
    assert f'href="/escalation/notices/{notice.pk}/"' in page
    assert notice.number in page
    assert "2026-12-08" in page


def test_missing_fields_are_shown_at_the_fields(appointment, city_leader):
    response = logged_in(city_leader).post(url(appointment), {"attended": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    for name in ("account", "instruction", "responsible_unit", "responsible_person", "due"):
        assert field_error(page, name), name
    assert not ReceptionRecord.objects.exists()


def test_the_services_errors_come_back_at_the_fields(appointment, city_leader, org):
    response = logged_in(city_leader).post(
        url(appointment), form_data(org.d1_street, due="2026-11-20")
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "due")
    assert not ReceptionRecord.objects.exists()


def test_resolved_on_the_spot_needs_no_unit(appointment, city_leader):
    response = logged_in(city_leader).post(
        url(appointment),
        {"attended": "yes", "account": "当场答复", "resolved_on_spot": "on", "instruction": ""},
    )
    assert response.status_code == 302
    record = ReceptionRecord.objects.get()
    assert record.resolved_on_spot and record.assignment is None


def test_reception_staff_get_the_no_show_form_only(appointment, reception1, org):
    client = logged_in(reception1)
    page = client.get(url(appointment)).content.decode()
    assert 'id="record-form"' in page
    assert 'name="instruction"' not in page and 'value="yes"' not in page
    refused = client.post(url(appointment), form_data(org.d1_street))
    assert refused.status_code == 400 and field_error(refused.content.decode(), "attended")
    response = client.post(url(appointment), {"attended": "no", "account": "电话未接通"})
    assert response.status_code == 302
    assert ReceptionRecord.objects.get().attended is False


def test_before_the_day_the_page_says_when(appointment, city_leader, time_machine):
    pin_now(time_machine, datetime.datetime(2026, 11, 25, 9, tzinfo=SHANGHAI))
    page = logged_in(city_leader).get(url(appointment)).content.decode()
    assert 'id="record-too-early"' in page and 'id="record-form"' not in page


def test_a_second_post_is_a_conflict(appointment, city_leader, reception1, org):
    logged_in(reception1).post(url(appointment), {"attended": "no"})
    response = logged_in(city_leader).post(url(appointment), form_data(org.d1_street))
    assert response.status_code == 409
    assert ReceptionRecord.objects.count() == 1


def test_someone_else_may_look_but_not_record(appointment, handler1, org):
    client = logged_in(handler1)  # sees the case, is no leader of this day
    page = client.get(url(appointment)).content.decode()
    assert 'id="record-form"' not in page and 'id="record-pending"' in page
    assert client.post(url(appointment), form_data(org.d1_street)).status_code == 403


def test_outside_the_area_the_page_is_not_found(appointment, outsider, handler2):
    for user in (outsider, handler2):
        assert logged_in(user).get(url(appointment)).status_code == 404
