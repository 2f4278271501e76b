"""The consultation page of a case: every level's record, the forms offered, inline errors,
404 outside scope, the task unit's "done" button and a query count that does not grow."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from escalation.consultations.services.followup import consultation_escalate
from escalation.consultations.services.meetings import TaskDraft, consultation_record
from escalation.models import Consultation, ConsultationTask
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MEETING = D(2026, 11, 10)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(case) -> str:
    return f"/escalation/cases/{case.number}/consultations/"


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


@pytest.fixture
def case(handler1, frozen_now):
    return register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    ).petition.case


def record(actor, case, level=1, held_on=MEETING, tasks=(), **extra):
    values = {
        "units": [actor.org_unit],
        "attendees": "王承办",
        "analysis": "分析",
        "decision": "决定",
        "experts": "李教授" if level == 3 else "",
    }
    values.update(extra)
    return consultation_record(
        actor=actor, case=case, level=level, held_on=held_on, tasks=list(tasks), **values
    )


def form_data(org, **overrides) -> dict:
    data = {
        "level": "1",
        "date": "2026-11-10",
        "units": [str(org.d1_office.pk), str(org.d1_business.pk)],
        "attendees": "王承办、吴科长",
        "experts": "",
        "analysis": "工资拖欠事实清楚。",
        "decision": "教育局十日内核实。",
        "tasks-TOTAL_FORMS": "3",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "50",
        "tasks-0-unit": str(org.d1_business.pk),
        "tasks-0-task": "核实工资发放情况",
        "tasks-0-due": "2026-11-30",
    }
    data.update(overrides)
    return data


# --- the page -------------------------------------------------------------------------------------


def test_an_empty_case_offers_level_one_and_nothing_to_escalate(case, handler1):
    response = logged_in(handler1).get(page_url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-record"' in page and 'id="form-escalate"' not in page
    assert re.search(r'name="level" value="1"', page)
    assert 'data-step="1" data-state="next"' in page
    assert 'id="no-consultations"' in page


def test_every_level_stays_on_the_page_with_its_escalation_reason(case, handler1, org):
    first = record(handler1, case, held_on=D(2026, 11, 3))
    consultation_escalate(
        actor=handler1, consultation=first, level=2, reason="职责争议", on=D(2026, 11, 4)
    )
    record(handler1, case, level=2, held_on=D(2026, 11, 5), decision="第二级决定")
    page = logged_in(handler1).get(page_url(case)).content.decode()
    assert 'data-level="1"' in page and 'data-level="2"' in page
    assert "职责争议" in page and "第二级决定" in page
    assert 'data-step="1" data-state="escalated"' in page
    assert 'data-step="2" data-state="held"' in page
    # Level 2 is the latest: it may go up to 3; no level can be recorded until it does.
    assert 'id="form-escalate"' in page and 'id="form-record"' not in page
    assert re.search(r'name="level" value="3"', page)


@pytest.mark.parametrize("who", ["outsider", "street_handler"])
def test_a_case_outside_the_users_area_is_404(case, who, request):
    user = request.getfixturevalue(who)
    assert logged_in(user).get(page_url(case)).status_code == 404
    assert logged_in(user).post(f"{page_url(case)}record/", {}).status_code == 404


def test_an_unknown_case_is_404(handler1, db):
    assert logged_in(handler1).get("/escalation/cases/NOPE-1/consultations/").status_code == 404


def test_a_task_unit_sees_its_task_and_marks_it_done_without_seeing_the_case(
    case, handler1, party_users, org
):
    consultation = record(
        handler1,
        case,
        tasks=[TaskDraft(unit=org.d1_business, task="核实工资", due_on=D(2026, 11, 30))],
    )
    task = consultation.tasks.get()
    business = logged_in(party_users.business)
    assert business.get(f"/cases/{case.number}/").status_code == 404
    page = business.get(page_url(case)).content.decode()
    assert f'data-done="{task.pk}"' in page
    assert 'id="form-record"' not in page and 'id="back-to-case"' not in page
    # The recorder sees the task but no button: it is not their unit's.
    assert f'data-done="{task.pk}"' not in logged_in(handler1).get(page_url(case)).content.decode()
    response = business.post(f"/escalation/consultations/tasks/{task.pk}/done/")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == D(2026, 11, 22)
    assert 'data-task-state="done"' in business.get(page_url(case)).content.decode()


def test_marking_someone_elses_task_done_is_refused(case, handler1, party_users, org, outsider):
    consultation = record(
        handler1,
        case,
        tasks=[TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 30))],
    )
    task = consultation.tasks.get()
    assert (
        logged_in(outsider).post(f"/escalation/consultations/tasks/{task.pk}/done/").status_code
        == 404
    )
    assert (
        logged_in(handler1).post(f"/escalation/consultations/tasks/{task.pk}/done/").status_code
        == 403
    )
    task.refresh_from_db()
    assert task.done_on is None


# --- recording through the form -------------------------------------------------------------------


def test_recording_level_one_through_the_form(case, handler1, org, party_users):
    response = logged_in(handler1).post(f"{page_url(case)}record/", form_data(org))
    assert response.status_code == 302 and response["Location"] == page_url(case)
    consultation = Consultation.objects.get(case=case)
    assert consultation.level == 1 and consultation.held_on == D(2026, 11, 10)
    assert [t.unit.code for t in consultation.tasks.all()] == ["D1JY"]


def test_missing_text_gives_inline_errors_and_records_nothing(case, handler1, org):
    response = logged_in(handler1).post(
        f"{page_url(case)}record/", form_data(org, analysis="", units=[])
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert field_error(page, "analysis") and field_error(page, "units")
    assert not Consultation.objects.exists()


def test_a_half_filled_task_row_is_an_inline_error(case, handler1, org):
    response = logged_in(handler1).post(
        f"{page_url(case)}record/", form_data(org, **{"tasks-0-due": ""})
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "tasks-0-due")
    assert not ConsultationTask.objects.exists()


def test_the_services_task_errors_show_above_the_task_rows(case, handler1, org):
    response = logged_in(handler1).post(
        f"{page_url(case)}record/", form_data(org, **{"tasks-0-due": "2026-11-05"})
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "tasks")


def test_recording_level_two_before_level_one_was_escalated_is_a_level_error(case, handler1, org):
    record(handler1, case)
    response = logged_in(handler1).post(f"{page_url(case)}record/", form_data(org, level="2"))
    assert response.status_code == 400
    assert field_error(response.content.decode(), "level")
    assert Consultation.objects.count() == 1


def test_recording_is_refused_to_a_task_unit(case, handler1, party_users, org):
    record(
        handler1, case, tasks=[TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 30))]
    )
    response = logged_in(party_users.business).post(f"{page_url(case)}record/", form_data(org))
    assert response.status_code == 403


# --- escalating through the form ------------------------------------------------------------------


def test_escalating_from_level_one_straight_to_level_three_is_refused_on_the_page(case, handler1):
    first = record(handler1, case)
    response = logged_in(handler1).post(
        f"/escalation/consultations/{first.pk}/escalate/", {"level": "3", "reason": "直接提级"}
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "level")
    first.refresh_from_db()
    assert first.escalated_on is None


def test_escalating_with_a_reason_offers_the_next_level(case, handler1):
    first = record(handler1, case)
    client = logged_in(handler1)
    response = client.post(
        f"/escalation/consultations/{first.pk}/escalate/", {"level": "2", "reason": ""}
    )
    assert response.status_code == 400 and field_error(response.content.decode(), "reason")
    response = client.post(
        f"/escalation/consultations/{first.pk}/escalate/", {"level": "2", "reason": "需多部门会商"}
    )
    assert response.status_code == 302
    page = client.get(page_url(case)).content.decode()
    assert 'id="form-record"' in page and re.search(r'name="level" value="2"', page)


def test_a_second_escalation_is_refused_with_the_reason(case, handler1):
    first = record(handler1, case)
    consultation_escalate(actor=handler1, consultation=first, level=2, reason="原因")
    response = logged_in(handler1).post(
        f"/escalation/consultations/{first.pk}/escalate/",
        {"level": "2", "reason": "再次"},
        follow=True,
    )
    assert "already escalated" in response.content.decode() or "已" in response.content.decode()


# --- queries --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_takes_as_many_queries_for_four_levels_as_for_one(
    case, handler1, org, party_users
):
    client = logged_in(handler1)
    first = record(
        handler1, case, held_on=D(2026, 11, 3),
        tasks=[TaskDraft(unit=org.d1_business, task="一", due_on=D(2026, 11, 30))],
    )  # fmt: skip
    one = _queries(client, page_url(case))
    consultation_escalate(
        actor=handler1, consultation=first, level=2, reason="r", on=D(2026, 11, 3)
    )
    previous = first
    for level in (2, 3, 4):
        previous = record(
            handler1,
            case,
            level=level,
            held_on=D(2026, 11, 3 + level),
            units=[org.d1_office, org.d1_business],
            tasks=[
                TaskDraft(unit=org.d1_business, task=f"任务{n}", due_on=D(2026, 11, 30))
                for n in range(3)
            ],
        )
        if level < 4:
            consultation_escalate(
                actor=handler1, consultation=previous, level=level + 1, reason="r",
                on=D(2026, 11, 3 + level),
            )  # fmt: skip
    four = _queries(client, page_url(case))
    assert four <= one
    assert _queries(logged_in(party_users.business), page_url(case)) <= one
