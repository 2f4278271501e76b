"""In Chromium: the district petition office flags a gathering as urgent from the case page,
writes and sends its information report; the district's leader acknowledges it; the city
supervisor sees it on the dashboard and drills down to it."""

import pytest

from ledgers.models import UrgentReport
from tests.conftest import _user
from tests.e2e.conftest import log_in, open_panel
from tests.factories import PASSWORD, register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_an_urgent_matter_from_flag_to_acknowledgement(
    page, live_server, org, handler1, city_supervisor, artifacts
):
    _user("d1_leader", org.d1, "leader", last_name="冯", first_name="区长")
    case = register_petition(handler1, summary="五十余名代课教师在区政府门前聚集").petition.case

    # The office flags it from the case page's panel.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    open_panel(page, "ledgers")
    page.locator("#ledgers-panel #no-urgent-reports").wait_for()
    page.click("#panel-flag-urgent")
    page.wait_for_url(f"**/ledgers/urgent/cases/{case.number}/flag/")
    page.click("[data-submit='flag']")  # no reason: refused on the field
    page.locator("[data-field-error='reason']").wait_for()
    page.select_option("#id_gravity", "urgent")
    page.fill("#id_reason", "五十余人聚集，情绪激动，有堵塞交通苗头。")
    page.screenshot(path=str(artifacts / "urgent-flag-form.png"), full_page=True)
    page.click("[data-submit='flag']")
    page.wait_for_url("**/ledgers/urgent/*/")
    report = UrgentReport.objects.get()
    assert page.locator("#urgent-state").get_attribute("data-state") == "draft"
    page.fill("#id_content", "今日9时许，五十余名代课教师到区政府门前聚集，要求补缴社保。")
    page.click("[data-submit='issue']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#urgent-state").get_attribute("data-state") == "issued"
    assert page.locator("#urgent-recipients [data-recipient]").count() == 2
    assert page.locator("#acknowledge-form").count() == 0  # not its own report
    page.screenshot(path=str(artifacts / "urgent-report-sent.png"), full_page=True)
    log_out(page)

    # The district's leader acknowledges it.
    log_in(page, live_server, "d1_leader", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/urgent/{report.pk}/")
    page.click("[data-submit='acknowledge']")
    page.locator(".alert-success").wait_for()
    page.locator("#urgent-recipients [data-recipient='D1'][data-acknowledged]").wait_for()
    page.screenshot(path=str(artifacts / "urgent-report-acknowledged.png"), full_page=True)
    log_out(page)

    # The city supervisor finds it on the dashboard: reported, awaiting the city office.
    log_in(page, live_server, "city_supervisor", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/")
    section = page.locator("#section-urgent")
    section.wait_for()
    assert section.locator("[data-tile='urgent_reported']").get_attribute("data-value") == "1"
    assert section.locator("[data-tile='urgent_awaiting']").get_attribute("data-value") == "1"
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "urgent-dashboard.png"), full_page=True)
    section.locator("[data-tile='urgent_awaiting']").click()
    page.wait_for_url("**/ledgers/urgent/?*")
    page.locator(f"#urgent-reports tr[data-urgent='{report.number}']").wait_for()
    page.screenshot(path=str(artifacts / "urgent-list.png"), full_page=True)
