"""Leader reception in the browser (issue 5): `reception1` books a petitioner into `leader1`'s
next reception day from the case page and downloads the petitioner's notice; on the day
`leader1` records an instruction; the responsible unit's handler finds the new assignment in
their queue. On the real clock (the live server's and Chromium's): the dates are counted from
today."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from cases.models import Assignment, EventKind
from escalation.kinds import EscalationEventKind
from escalation.models import SupervisionNotice
from reception.models import (
    Appointment,
    AppointmentPetitioner,
    ReceptionDay,
    ReceptionRecord,
    ReceptionSchedule,
)
from tests.conftest import _user
from tests.factories import PASSWORD, petitioner, register_petition

from .conftest import choose, log_in, next_reception_day, open_panel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLACE = "江城市信访局三楼接待室"
INSTRUCTION = "请东湖区信访局牵头，会同区人社局十日内核实欠薪情况，督促企业支付并书面报告。"


def the_day_comes(appointment: Appointment, today: datetime.date) -> None:
    """Bring the appointment's reception day to today, as if the days until it had passed:
    the live server's clock is the real one and is not moved."""
    ReceptionDay.objects.filter(pk=appointment.day_id).update(date=today)
    AppointmentPetitioner.objects.filter(appointment=appointment).update(date=today)


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


@pytest.fixture
def leader1(org):
    """The city's leader who receives petitioners every Thursday morning."""
    return _user("leader1", org.city, "leader", last_name="刘", first_name="市长")


@pytest.fixture
def thursdays(leader1, reception1):
    return ReceptionSchedule.objects.create(
        leader=leader1,
        unit=leader1.org_unit,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11, 30),
        place=PLACE,
        slots=4,
        valid_from=datetime.date(2026, 1, 1),
        created_by=reception1,
    )


def test_reception1_books_leader1_records_an_instruction_and_the_handler_gets_it(
    page, live_server, org, reception1, leader1, handler1, thursdays, artifacts
):
    today = timezone.localdate()
    reception_day = next_reception_day(thursdays, today)
    due = today + datetime.timedelta(days=14)
    case = register_petition(
        reception1,
        received_at=timezone.now() - datetime.timedelta(days=3),
        summary="某物流公司拖欠货车司机运费及工资",
        petitioners=[petitioner(name="陈建国")],
    ).petition.case
    number = case.number

    # reception1 opens the case and books from its reception panel.
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_panel(page, "reception")
    page.click("#panel-book")
    page.wait_for_url(f"**/reception/cases/{number}/book/")
    next_day = page.locator("#book-days tr[data-day]").first
    assert reception_day.isoformat() in next_day.inner_text()
    assert "刘市长" in next_day.inner_text()
    assert next_day.locator("input[name=day]").is_checked()
    assert page.locator("input[name=petitioners]:checked").count() == 1  # the principal
    page.screenshot(path=str(artifacts / "reception-book.png"), full_page=True)
    page.click("[data-submit=book]")
    page.wait_for_url("**/reception/appointments/*/")
    appointment = Appointment.objects.get(case=case)
    assert appointment.day.date == reception_day
    assert appointment.day.schedule == thursdays

    # The notices are issued by the button (a POST), then the petitioner's, as a .docx.
    assert page.locator("#notices [data-not-issued]").count() >= 2
    page.screenshot(path=str(artifacts / "reception-notices-to-issue.png"), full_page=True)
    page.click("#notices-issue")
    page.locator(".alert-success").wait_for()
    assert page.locator("#notices [data-not-issued]").count() == 0
    notice = page.locator("#notices [data-notice='petitioner']")
    with page.expect_download() as download_info:
        notice.locator("a", has_text=".docx").click()
    download = download_info.value
    content = download.path().read_bytes()
    (artifacts / "reception-petitioner-notice.docx").write_bytes(content)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    text += "\n".join(
        cell.text
        for table in Document(io.BytesIO(content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "领导接访通知书" in text
    assert "陈建国" in text and "刘市长" in text and PLACE in text
    spelled = f"{reception_day.year}年{reception_day.month}月{reception_day.day}日"
    assert spelled in text or reception_day.isoformat() in text
    page.screenshot(path=str(artifacts / "reception-appointment.png"), full_page=True)
    log_out(page)

    # On the day, leader1 records the reception from the case page.
    the_day_comes(appointment, today)
    log_in(page, live_server, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_panel(page, "reception")
    page.click(f"[data-panel-appointment='{appointment.pk}'] a[href$='/record/']")
    page.wait_for_url(f"**/reception/appointments/{appointment.pk}/record/")
    assert page.is_checked("#record-form input[name=attended][value=yes]")
    page.fill("#id_account", "陈建国反映公司拖欠其运费及工资共计六万余元，多次讨要未果。")
    page.fill("#id_instruction", INSTRUCTION)
    # Saved without the assignment's fields first: each says what it needs.
    page.click("#record-submit")
    page.locator("[data-field-error='responsible_unit']").wait_for()
    assert page.locator("[data-field-error='responsible_person']").count() == 1
    assert page.locator("[data-field-error='due']").count() == 1
    assert not ReceptionRecord.objects.exists()
    assert page.input_value("#id_instruction") == INSTRUCTION
    choose(page, "id_responsible_unit", "东湖区信访局")
    page.fill("#id_responsible_person", "王承办")
    page.fill("#id_due", due.isoformat())
    page.screenshot(path=str(artifacts / "reception-record-form.png"), full_page=True)
    page.click("#record-submit")
    page.locator("#record").wait_for()
    assignment = Assignment.objects.get(case=case)
    supervision = SupervisionNotice.objects.get(case=case)
    assert assignment.lead_unit == org.d1_office and assignment.due_on == due
    assert supervision.unit == org.d1_office and supervision.content == INSTRUCTION
    assert page.locator("#record-status").get_attribute("data-status") == "attended"
    assert "东湖区信访局" in page.locator("#record-assignment").inner_text()
    assert supervision.number in page.locator("#record-notice").inner_text()
    page.screenshot(path=str(artifacts / "reception-record-done.png"), full_page=True)

    # The supervision notice opens from the record; the case's timeline shows both.
    page.click("#record-notice-link")
    page.wait_for_url(f"**/escalation/notices/{supervision.pk}/")
    assert INSTRUCTION in page.content()
    page.goto(f"{live_server.url}/cases/{number}/")
    timeline = page.locator("#timeline")
    assert timeline.locator(f"[data-event='{EventKind.ASSIGNED}']").count() == 1
    assert timeline.locator(f"[data-event='{EscalationEventKind.SUPERVISION_ISSUED}']").count() == 1
    log_out(page)

    # The responsible unit's handler finds the assignment in their queue.
    log_in(page, live_server, "handler1", PASSWORD)
    page.click("#nav-queue")
    page.wait_for_url("**/cases/queue/")
    row = page.locator(f"#to-sign tr[data-case='{number}']")
    assert due.isoformat() in row.inner_text()
    page.screenshot(path=str(artifacts / "reception-handler-queue.png"), full_page=True)
    row.locator("a").first.click()
    page.wait_for_url(f"**/cases/{number}/#assignment-{assignment.pk}")
    assert INSTRUCTION in page.locator(f"#assignment-{assignment.pk}").inner_text()
