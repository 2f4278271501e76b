"""In Chromium: the district supervisor opens a special dispute screening round for a
community; the community registers a major dispute with its report, submits it and records
the dispute resolved; the supervisor finds it on the dashboard and drills down to it."""

import pytest

from ledgers.models import DisputeItem, DisputeStatus, ScreeningReport
from tests.conftest import _user
from tests.e2e.conftest import choose, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_a_screening_round_from_opening_to_the_dashboard(
    page, live_server, org, d1_supervisor, artifacts
):
    _user("community_handler", org.d1_community, "handler", last_name="周", first_name="社区")

    # The supervisor opens a special round from the ledgers menu.
    log_in(page, live_server, "d1_supervisor", PASSWORD)
    page.click("#nav-ledgers")
    page.click("#nav-screening")
    page.wait_for_url("**/ledgers/screening/")
    page.click("#open-round")
    page.wait_for_url("**/ledgers/screening/rounds/new/")
    page.click("[data-submit='open-round']")  # empty: refused on its fields
    page.locator("[data-field-error='title']").wait_for()
    page.fill("#id_title", "元旦前矛盾纠纷专项排查")
    due = page.evaluate(
        "() => { const d = new Date(); d.setDate(d.getDate() + 7);"
        " return d.toISOString().slice(0, 10); }"
    )
    page.fill("#id_due", due)
    choose(page, "id_units", "东湖社区")
    page.fill("#id_instructions", "重点排查欠薪和邻里纠纷。")
    page.screenshot(path=str(artifacts / "screening-round-open.png"), full_page=True)
    page.click("[data-submit='open-round']")
    page.wait_for_url("**/ledgers/screening/rounds/*/")
    page.locator(".alert-success").wait_for()
    assert page.locator("#round-reports tr[data-report='D1S1C1']").count() == 1
    page.screenshot(path=str(artifacts / "screening-round-detail.png"), full_page=True)
    log_out(page)

    # The community finds the report it owes, registers a dispute with it and submits.
    log_in(page, live_server, "community_handler", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/screening/")
    report = ScreeningReport.objects.get()
    page.click(f"#awaiting-reports [data-report='{report.pk}'] a")
    page.wait_for_url(f"**/ledgers/screening/reports/{report.pk}/")
    page.click("#add-dispute")
    page.wait_for_url("**/ledgers/screening/disputes/new/?report=*")
    page.select_option("#id_kind", "labour")
    page.select_option("#id_risk_level", "major")
    page.fill("#id_applicants", "张某、李某")
    page.fill("#id_respondents", "某物业公司")
    page.fill("#id_place", "东湖社区5号楼")
    page.fill("#id_summary", "物业公司拖欠保洁员工资三个月，保洁员停工。")
    page.fill("#id_responsible_person", "社区主任")
    page.screenshot(path=str(artifacts / "screening-dispute-form.png"), full_page=True)
    page.click("[data-submit='register']")
    page.wait_for_url(f"**/ledgers/screening/reports/{report.pk}/")
    item = DisputeItem.objects.get()
    page.locator(f"#report-items [data-dispute='{item.number}']").wait_for()
    page.check("#id_nothing_found")  # a nil report with a dispute registered: refused
    page.click("[data-submit='report']")
    page.locator("[data-field-error='nothing_found']").wait_for()
    page.uncheck("#id_nothing_found")
    page.click("[data-submit='report']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#report-state").get_attribute("data-state") == "submitted"
    page.screenshot(path=str(artifacts / "screening-report-submitted.png"), full_page=True)

    # It resolves the dispute by mediation.
    page.click(f"#report-items [data-dispute='{item.number}'] a")
    page.wait_for_url(f"**/ledgers/screening/disputes/{item.pk}/")
    page.fill("#id_outcome", "经社区调解，物业公司补发工资，保洁员复工。")
    page.select_option("#id_method", "mediation")
    page.click("[data-submit='resolve']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#dispute-state").get_attribute("data-state") == DisputeStatus.RESOLVED
    page.screenshot(path=str(artifacts / "screening-dispute-resolved.png"), full_page=True)
    log_out(page)

    # The supervisor sees it on the dashboard and drills down to the ledger.
    log_in(page, live_server, "d1_supervisor", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/")
    section = page.locator("#section-screening")
    section.wait_for()
    assert section.locator("[data-tile='disputes_found']").get_attribute("data-value") == "1"
    assert section.locator("[data-tile='dispute_resolution_rate']").get_attribute("data-value") in (
        "1",
        "1.0",
    )
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "screening-dashboard.png"), full_page=True)
    section.locator("[data-tile='disputes_found']").click()
    page.wait_for_url("**/ledgers/screening/disputes/?*")
    page.locator(f"#disputes tr[data-dispute='{item.number}']").wait_for()
    assert page.locator("#disputes tbody tr[data-dispute]").count() == 1
    page.screenshot(path=str(artifacts / "screening-dispute-ledger.png"), full_page=True)
