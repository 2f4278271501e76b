"""In Chromium: the district supervisor issues a supervision notice from the case page's
escalation panel; the street office finds it awaiting its response and answers it."""

import pytest

from cases import services as case_services
from escalation.models import SupervisionNotice
from tests.e2e.conftest import choose, log_in, open_panel
from tests.factories import PASSWORD, register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_supervisor_issues_a_notice_and_the_street_office_answers_it(
    page,
    live_server,
    handler1,
    d1_supervisor,
    street_handler,
    artifacts,
):
    case = register_petition(handler1, summary="升平街3号楼楼道垃圾堆积").petition.case
    case_services.case_accept(actor=handler1, case=case)
    number = case.number

    # The supervisor opens the case and its escalation panel, which offers the notice.
    log_in(page, live_server, "d1_supervisor", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_panel(page, "escalation")
    page.locator("#escalation-panel #panel-empty").wait_for()
    page.screenshot(path=str(artifacts / "notice-case-panel-empty.png"), full_page=True)
    page.click("#panel-issue-notice")
    page.wait_for_url(f"**/escalation/cases/{number}/notices/new/")
    # The cursor starts in the unit's search box.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id.startsWith('id_unit')"
    )
    choose(page, "id_unit", "东湖街道")
    page.select_option("#id_kind", "supervise")
    page.fill("#id_content", "请于期限内清运楼道垃圾。\n书面报告处理结果。")
    due = page.input_value("#id_due")
    assert due  # five workdays from today, filled in
    page.screenshot(path=str(artifacts / "notice-issue-form.png"), full_page=True)
    page.click("[data-submit='issue']")
    page.wait_for_url("**/escalation/notices/*/")
    page.locator(".alert-success").wait_for()
    notice = SupervisionNotice.objects.get()
    assert page.locator("#notice-number").inner_text() == notice.number
    assert page.locator("#notice-state").get_attribute("data-state") == "open"
    assert page.locator("#respond-form").count() == 0
    page.screenshot(path=str(artifacts / "notice-detail-supervisor.png"), full_page=True)

    # Back on the case, the panel lists it.
    page.goto(f"{live_server.url}/cases/{number}/")
    open_panel(page, "escalation")
    page.locator(f"[data-panel-notice='{notice.number}']").wait_for()
    page.screenshot(path=str(artifacts / "notice-case-panel.png"), full_page=True)
    log_out(page)

    # The street office finds the notice awaiting its response and answers it.
    log_in(page, live_server, "street_handler", PASSWORD)
    page.goto(f"{live_server.url}/escalation/notices/")
    row = page.locator(f"tr[data-notice='{notice.number}']")
    row.wait_for()
    assert page.locator("#awaiting-count").inner_text() == "1"
    page.screenshot(path=str(artifacts / "notice-list-awaiting.png"), full_page=True)
    row.locator("a").first.click()
    page.wait_for_url(f"**/escalation/notices/{notice.pk}/")
    page.click("[data-submit='respond']")  # empty: refused on the field
    page.locator("[data-field-error='response']").wait_for()
    page.fill("#id_response", "已于当日清运完毕，并安排专人每日收取袋装垃圾。")
    page.click("[data-submit='respond']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#notice-state").get_attribute("data-state") == "answered"
    page.screenshot(path=str(artifacts / "notice-detail-answered.png"), full_page=True)

    page.goto(f"{live_server.url}/escalation/notices/{notice.pk}/print/")
    page.locator("[data-official-document]").wait_for()
    page.screenshot(path=str(artifacts / "notice-print.png"), full_page=True)
    notice.refresh_from_db()
    assert notice.responded_by == street_handler
