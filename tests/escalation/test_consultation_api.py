"""The consultation API: recording a level, escalating one level at a time, marking a task
done; the contract of the output and every kind of bad input (400 on a field, 403, 404, 409)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalation.consultations.services.followup import consultation_escalate
from escalation.consultations.services.meetings import TaskDraft, consultation_record
from escalation.models import Consultation
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MEETING = D(2026, 11, 10)
URL = "/api/v1/consultations/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(handler1, frozen_now):
    return register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    ).petition.case


def payload(the_case, **overrides) -> dict:
    data = {
        "case": the_case.number,
        "level": 1,
        "date": "2026-11-10",
        "units": ["D1XFJ", "D1JY"],
        "attendees": "王承办、吴科长",
        "experts": "",
        "analysis": "工资拖欠事实清楚。",
        "decision": "教育局十日内核实。",
        "tasks": [{"unit": "D1JY", "task": "核实工资发放情况", "due": "2026-11-30"}],
    }
    data.update(overrides)
    return data


def record(actor, case, level=1, held_on=MEETING, **extra):
    values = {
        "units": [actor.org_unit],
        "attendees": "王承办",
        "analysis": "分析",
        "decision": "决定",
    }
    values.update(extra)
    return consultation_record(actor=actor, case=case, level=level, held_on=held_on, **values)


# --- recording ------------------------------------------------------------------------------------


def test_recording_level_one_answers_the_consultation_with_its_tasks(case, handler1):
    response = api(handler1).post(URL, payload(case), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {
        "id", "case", "level", "level_name", "date", "units", "attendees", "experts",
        "analysis", "decision", "recorded_by", "recording_unit", "escalated_on",
        "escalated_by", "escalation_reason", "tasks", "url",
    }  # fmt: skip
    assert (body["case"], body["level"], body["date"]) == (case.number, 1, "2026-11-10")
    assert body["units"] == ["D1XFJ", "D1JY"]
    assert (body["recorded_by"], body["recording_unit"]) == ("handler1", "D1XFJ")
    assert body["escalated_on"] is None
    [task] = body["tasks"]
    assert {k: task[k] for k in ("unit", "task", "due", "done_on", "state")} == {
        "unit": "D1JY",
        "task": "核实工资发放情况",
        "due": "2026-11-30",
        "done_on": None,
        "state": "open",
    }
    assert body["url"] == f"/escalation/cases/{case.number}/consultations/"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"case": "NOPE-1"}, "case"),
        ({"case": "a\x00b"}, "case"),
        ({"level": "abc"}, "level"),
        ({"level": 0}, "level"),
        ({"level": 3}, "level"),
        ({"level": 2}, "level"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "2026-11-23"}, "date"),
        ({"units": []}, "units"),
        ({"units": ["NOPE"]}, "units"),
        ({"units": ["D2JY"]}, "units"),
        ({"analysis": ""}, "analysis"),
        ({"decision": "   "}, "decision"),
        ({"attendees": ""}, "attendees"),
        ({"tasks": [{"unit": "D1JY", "task": "x"}]}, "tasks"),
        ({"tasks": [{"unit": "D1JY", "task": "x", "due": "2026-11-01"}]}, "tasks"),
        ({"tasks": [{"unit": "D2JY", "task": "x", "due": "2026-11-30"}]}, "tasks"),
        ({"tasks": "none"}, "tasks"),
    ],
)
def test_bad_input_is_a_field_error_and_records_nothing(case, handler1, overrides, field):
    response = api(handler1).post(URL, payload(case, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Consultation.objects.exists()


def test_a_case_outside_the_callers_area_is_no_case(case, outsider, street_handler):
    for user in (outsider, street_handler):
        response = api(user).post(URL, payload(case), format="json")
        assert response.status_code == 400 and "case" in response.json()


def test_a_user_who_sees_the_case_but_does_not_convene_is_refused(case, reception1):
    response = api(reception1).post(URL, payload(case, units=["CTXFJ"], tasks=[]), format="json")
    assert response.status_code == 403


# --- escalating -----------------------------------------------------------------------------------


def test_escalation_from_level_one_straight_to_level_three_is_refused(case, handler1):
    first = record(handler1, case)
    response = api(handler1).post(
        f"{URL}{first.pk}/escalate/", {"level": 3, "reason": "直接提级"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["level"]
    first.refresh_from_db()
    assert first.escalated_on is None


def test_escalating_one_level_up_then_again_is_a_conflict(case, handler1):
    first = record(handler1, case)
    client = api(handler1)
    response = client.post(
        f"{URL}{first.pk}/escalate/",
        {"level": 2, "reason": "多部门职责交叉", "date": "2026-11-12"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["escalated_on"], body["escalated_by"], body["escalation_reason"]) == (
        "2026-11-12",
        "handler1",
        "多部门职责交叉",
    )
    again = client.post(f"{URL}{first.pk}/escalate/", {"level": 2, "reason": "再"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "data, field",
    [
        ({"level": 2}, "reason"),
        ({"reason": "x"}, "level"),
        ({"level": 2, "reason": "x", "date": "x"}, "date"),
    ],
)
def test_escalation_input_errors_are_field_errors(case, handler1, data, field):
    first = record(handler1, case)
    response = api(handler1).post(f"{URL}{first.pk}/escalate/", data, format="json")
    assert response.status_code == 400 and field in response.json()


def test_level_four_does_not_escalate(case, handler1):
    previous = None
    for level in (1, 2, 3, 4):
        previous = record(
            handler1, case, level=level, held_on=D(2026, 11, 3 + level), experts="专家"
        )
        if level < 4:
            consultation_escalate(
                actor=handler1, consultation=previous, level=level + 1, reason="r",
                on=D(2026, 11, 3 + level),
            )  # fmt: skip
    response = api(handler1).post(
        f"{URL}{previous.pk}/escalate/", {"level": 5, "reason": "再提级"}, format="json"
    )
    assert response.status_code == 400 and "level" in response.json()


@pytest.mark.parametrize("pk", ["999999", "0", "99999999999999999999"])
def test_escalating_a_consultation_that_is_not_there_is_404(handler1, db, pk):
    response = api(handler1).post(
        f"{URL}{pk}/escalate/", {"level": 2, "reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_escalating_outside_the_callers_area_is_404(case, handler1, outsider):
    first = record(handler1, case)
    response = api(outsider).post(
        f"{URL}{first.pk}/escalate/", {"level": 2, "reason": "x"}, format="json"
    )
    assert response.status_code == 404


# --- tasks ----------------------------------------------------------------------------------------


def test_the_task_unit_marks_its_task_done(case, handler1, party_users, org):
    first = record(
        handler1, case, tasks=[TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 30))]
    )
    task = first.tasks.get()
    url = f"{URL}{first.pk}/tasks/{task.pk}/done/"
    assert api(handler1).post(url, {}, format="json").status_code == 403
    response = api(party_users.business).post(url, {"date": "2026-11-20"}, format="json")
    assert response.status_code == 200
    assert response.json()["tasks"][0]["state"] == "done"
    assert api(party_users.business).post(url, {}, format="json").status_code == 409
    assert api(party_users.business).post(f"{URL}{first.pk}/tasks/999/done/").status_code == 404


# --- reading --------------------------------------------------------------------------------------


def test_the_list_filters_by_case_and_hides_other_areas(case, handler1, outsider, handler2):
    record(handler1, case)
    other = register_petition(
        handler2, received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    ).petition.case
    record(handler2, other)
    numbers = [row["case"] for row in api(handler1).get(URL).json()["results"]]
    assert numbers == [case.number]
    assert api(handler1).get(URL, {"case": other.number}).json()["results"] == []
    assert api(outsider).get(URL).json()["results"] == []
    # A NUL byte in the query string is refused on the parameter (accounts.middleware).
    assert api(handler1).get(URL, {"case": "a\x00"}).status_code == 400


def test_the_list_takes_the_same_queries_for_one_or_many(case, handler1, org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api(handler1).get(URL).status_code == 200
        return len(captured)

    record(
        handler1, case, tasks=[TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 30))]
    )
    one = queries()
    for _ in range(5):
        extra = register_petition(
            handler1, received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
        ).petition.case
        record(
            handler1,
            extra,
            units=[org.d1_office, org.d1_business],
            tasks=[
                TaskDraft(unit=org.d1_business, task=str(n), due_on=D(2026, 11, 30))
                for n in range(3)
            ],
        )
    assert queries() <= one
