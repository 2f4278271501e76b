"""API contract of the reception record: POST /api/v1/reception/appointments/{id}/record/:
the output, field errors under the API's names, 403/404/409."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.models import Assignment
from escalation.models import SupervisionNotice
from reception.models import ReceptionRecord
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    appointment,
    reception_case,
    reception_now,
    schedule,
)

APPOINTMENTS = "/api/v1/reception/appointments/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def record_url(appointment) -> str:
    return f"{APPOINTMENTS}{appointment.pk}/record/"


def payload(**overrides) -> dict:
    values = {
        "attended": True,
        "account": "信访人反映公司拖欠工资三个月。",
        "instruction": "请东湖街道核实并督促支付，十日内报告。",
        "resolved_on_spot": False,
        "responsible_unit": "D1S1",
        "responsible_person": "孙街道",
        "due": "2026-12-08",
    }
    values.update(overrides)
    return values


def test_the_leader_records_an_instruction(appointment, city_leader):
    response = api(city_leader).post(record_url(appointment), payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assignment = Assignment.objects.get()
    notice = SupervisionNotice.objects.get()
    assert body["appointment"] == appointment.pk
    assert body["status"] == "attended"
    assert body["case"] == appointment.case.number
    assert body["assignment"] == {
        "id": assignment.pk,
        "lead_unit": "D1S1",
        "lead_unit_name": "东湖街道",
        "responsible_person": "孙街道",
        "due": "2026-12-08",
        "status": "assigned",
    }
    assert body["supervision_notice"]["number"] == notice.number
    assert body["supervision_notice"]["url"].endswith(f"/escalation/notices/{notice.pk}/")
    assert body["recorded_by"] == "city_leader"


def test_resolved_on_the_spot_needs_no_unit(appointment, city_leader):
    response = api(city_leader).post(
        record_url(appointment),
        {"attended": "true", "account": "已当场答复", "resolved_on_spot": "true"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assignment"] is None and body["supervision_notice"] is None
    assert body["resolved_on_spot"] is True


def test_missing_fields_come_back_by_name(appointment, city_leader):
    response = api(city_leader).post(
        record_url(appointment), {"attended": True, "account": "说了"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "instruction",
        "responsible_unit",
        "responsible_person",
        "due",
    }
    assert not ReceptionRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"responsible_unit": "CTJY"}, "responsible_unit"),  # not below the owner
        ({"responsible_unit": "CYXFJ"}, "responsible_unit"),  # outside the area
        ({"due": "2026-11-20"}, "due"),  # before today
        ({"due": "2026-11-26"}, "due"),  # the notice must be due after today
        ({"due": "soon"}, "due"),
        ({"attended": "maybe"}, "attended"),
    ],
)
def test_bad_input_is_a_field_error(appointment, city_leader, overrides, field):
    response = api(city_leader).post(record_url(appointment), payload(**overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ReceptionRecord.objects.exists() and not Assignment.objects.exists()


def test_reception_staff_record_a_no_show_only(appointment, reception1):
    client = api(reception1)
    assert client.post(record_url(appointment), payload(), format="json").status_code == 403
    response = client.post(record_url(appointment), {"attended": False}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "no_show"


def test_a_second_record_is_a_conflict(appointment, city_leader, reception1):
    api(reception1).post(record_url(appointment), {"attended": False}, format="json")
    response = api(city_leader).post(record_url(appointment), payload(), format="json")
    assert response.status_code == 409


def test_an_appointment_outside_the_callers_area_is_not_found(appointment, outsider, handler2):
    for user in (outsider, handler2):
        response = api(user).post(record_url(appointment), payload(), format="json")
        assert response.status_code == 404
    assert not ReceptionRecord.objects.exists()


def test_the_appointment_shows_its_record(appointment, city_leader):
    api(city_leader).post(record_url(appointment), payload(), format="json")
    body = api(city_leader).get(f"{APPOINTMENTS}{appointment.pk}/").json()
    assert body["record"]["instruction"].startswith("请东湖街道")
