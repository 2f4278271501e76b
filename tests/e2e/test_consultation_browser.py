"""In Chromium: the petition office records a level-1 consultation with a task, escalates it
with a reason and is offered level 2; the task's unit marks its task done; a supervisor reads
the monthly ranking and opens a rectification notice to print."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from escalation.models import Consultation, ConsultationTask
from escalation.ranking.services import last_month, previous_month, units_rank
from tests.conftest import _user
from tests.e2e.conftest import choose, log_in
from tests.escalation.test_ranking_services import answered
from tests.factories import PASSWORD, register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_record_escalate_and_mark_a_task_done_in_the_browser(
    page,
    live_server,
    org,
    handler1,
    party_users,
    artifacts,
):
    case = register_petition(handler1, summary="某公司拖欠工资三个月").petition.case
    url = f"{live_server.url}/escalation/cases/{case.number}/consultations/"
    due = timezone.localdate() + datetime.timedelta(days=10)

    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(url)
    # The cursor starts in the first field to type: the meeting date.
    assert page.evaluate("document.activeElement.id") == "id_date"
    choose(page, "id_units", "东湖区教育局")
    page.fill("#id_attendees", "王承办（区信访局）、吴科长（区教育局）")
    page.fill("#id_analysis", "信访人反映的工资拖欠问题事实基本清楚，涉及劳动监察职责。")
    page.fill("#id_decision", "由区教育局牵头核实，十日内书面报告。")
    choose(page, "id_tasks-0-unit", "东湖区教育局")
    page.fill("#id_tasks-0-task", "核实工资发放情况并书面报告")
    page.fill("#id_tasks-0-due", due.isoformat())
    page.click("[data-submit='record']")
    page.locator(".alert-success").wait_for()
    page.locator("#level-1").wait_for()
    assert page.locator("[data-step='1']").get_attribute("data-state") == "held"
    page.screenshot(path=str(artifacts / "consultation-level-1.png"), full_page=True)

    page.fill("#id_escalate_reason", "区教育局与街道对职责有争议，需多部门会商。")
    page.click("[data-submit='escalate']")
    page.locator(".alert-success").wait_for()
    assert page.locator("[data-step='1']").get_attribute("data-state") == "escalated"
    assert page.locator("[data-step='2']").get_attribute("data-state") == "next"
    assert page.locator("#form-record input[name='level']").input_value() == "2"
    page.screenshot(path=str(artifacts / "consultation-escalated.png"), full_page=True)
    # Level 2 sent without its text: the errors show at the fields, the cursor at the first.
    page.fill("#id_tasks-0-task", "只填了任务")
    page.click("[data-submit='record']")
    page.locator("[data-field-error='units']").wait_for()
    assert page.locator("[data-field-error='tasks-0-due']").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_units-ts-control"
    page.screenshot(path=str(artifacts / "consultation-errors.png"), full_page=True)
    consultation = Consultation.objects.get(case=case)
    assert consultation.escalation_reason.startswith("区教育局与街道")

    # The education bureau's handler marks its task done from the same page.
    task = ConsultationTask.objects.get(consultation=consultation)
    page.context.clear_cookies()
    log_in(page, live_server, "d1_business", PASSWORD)
    page.goto(url)
    page.click(f"[data-done='{task.pk}']")
    page.locator(f"#task-{task.pk}[data-task-state='done']").wait_for()
    task.refresh_from_db()
    assert task.done_on == timezone.localdate()


def test_the_monthly_ranking_and_a_rectification_notice_in_the_browser(
    page,
    live_server,
    org,
    handler1,
    handler2,
    street_handler,
    city_supervisor,
    artifacts,
):
    d1_business = _user("d1_business", org.d1_business, "handler")
    d2_business = _user("d2_business", org.d2_business, "handler")
    clerks = {
        "D1XFJ": handler1,
        "D2XFJ": handler2,
        "D1S1": street_handler,
        "D1JY": d1_business,
        "D2JY": d2_business,
    }
    for month in (previous_month(last_month()), last_month()):
        for code, on_time in (
            ("D1XFJ", [True, True]),
            ("D2XFJ", [True, False]),
            ("D1JY", [True, True]),
            ("D1S1", [False]),
            ("D2JY", [False, False]),
        ):
            for day, in_time in enumerate(on_time, start=10):
                answered(org.by_code[code], day, month, on_time=in_time, clerk=clerks[code])
        units_rank(month=month)

    city_supervisor.set_password(PASSWORD)
    city_supervisor.save()
    log_in(page, live_server, "city_supervisor", PASSWORD)
    page.goto(f"{live_server.url}/escalation/rankings/")
    page.locator("#ranking-table").wait_for()
    bottom = page.locator("tr[data-bottom='true']").evaluate_all(
        "rows => rows.map(row => row.dataset.unit)"
    )
    assert bottom == ["D2XFJ", "D1S1", "D2JY"]
    page.screenshot(path=str(artifacts / "ranking-report.png"), full_page=True)
    page.locator("#ranking-notices [data-kind='rectification'] [data-print]").first.click()
    page.locator("[data-official-document]").wait_for()
    assert "限期整改督查通知书" in page.locator("[data-doc-title]").inner_text()
    page.screenshot(path=str(artifacts / "ranking-rectification-notice.png"), full_page=True)
