"""In Chromium: the district supervisor finds a backlog case among the candidates, puts it on
the ledger with its assignment sheet (refused first without the sponsor a group case needs),
prints the 交办单; the street that leads reports progress; the supervisor extends the time
limit once and records it resolved; the dashboard's backlog section counts it and drills down
to it on the ledger."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from dashboards.services import rollup_refresh
from ledgers.models import BacklogEntry, BacklogStatus
from tests.conftest import _user
from tests.e2e.conftest import choose, log_in
from tests.factories import PASSWORD, group_petitioners, register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def day_after(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_backlog_case_from_the_candidates_to_the_dashboard(
    page, live_server, org, handler1, d1_supervisor, artifacts
):
    _user("d1_leader", org.d1, "leader", last_name="何", first_name="区长")
    _user("street_handler", org.d1_street, "handler", last_name="孙", first_name="街道")
    # A group visit received seven months ago and still waiting: a backlog case by the rule,
    # as the dashboards' rollup counts it.
    received = timezone.localtime() - datetime.timedelta(days=210)
    case = register_petition(
        handler1,
        received_at=received.replace(hour=10, minute=0, second=0, microsecond=0),
        petitioners=group_petitioners(6, 2),
        summary="东湖街道六户居民集体反映旧城改造安置房漏水",
    ).petition.case
    rollup_refresh()

    # The supervisor opens the candidates from the ledgers menu and puts the case on.
    log_in(page, live_server, "d1_supervisor", PASSWORD)
    page.click("#nav-ledgers")
    page.click("#nav-backlog-candidates")
    page.wait_for_url("**/ledgers/backlog/candidates/")
    row = page.locator(f"#candidates tr[data-case='{case.number}']")
    row.wait_for()
    assert row.locator("[data-group]").count() == 1
    page.screenshot(path=str(artifacts / "backlog-candidates.png"), full_page=True)
    row.locator(f"[data-place='{case.number}']").click()
    page.wait_for_url("**/ledgers/backlog/new/?case=*")
    page.locator("#place-case").wait_for()
    choose(page, "id_lead_unit", "东湖街道")
    page.fill("#id_responsible_persons", "街道办主任、城建科科长")
    page.fill("#id_plan", "逐户查勘漏水原因，督促施工单位限期维修，做好居民解释工作。")
    page.click("[data-submit='place']")  # a group case without a sponsor: refused
    page.locator("[data-field-error='sponsoring_leader']").wait_for()
    choose(page, "id_sponsoring_leader", "何区长")
    page.screenshot(path=str(artifacts / "backlog-sheet-form.png"), full_page=True)
    page.click("[data-submit='place']")
    page.wait_for_url("**/ledgers/backlog/*/")
    page.locator(".alert-success").wait_for()
    entry = BacklogEntry.objects.get()
    assert entry.sponsoring_leader.username == "d1_leader" and entry.lead_unit == org.d1_street
    assert page.locator("#entry-state").get_attribute("data-state") == "open"
    assert page.locator("#entry-group").count() == 1
    page.screenshot(path=str(artifacts / "backlog-entry.png"), full_page=True)
    # Its printable assignment sheet (交办单).
    page.click("#sheet-link")
    page.locator("[data-official-document]").wait_for()
    assert "信访积案化解交办单" in page.locator("[data-official-document]").inner_text()
    page.screenshot(path=str(artifacts / "backlog-sheet.png"), full_page=True)
    log_out(page)

    # The street that leads reports its progress.
    log_in(page, live_server, "street_handler", PASSWORD)
    page.click("#nav-ledgers")
    page.click("#nav-backlog")
    page.wait_for_url("**/ledgers/backlog/")
    page.click(f"#backlog-entries tr[data-entry='{entry.number}'] a")
    page.wait_for_url(f"**/ledgers/backlog/{entry.pk}/")
    page.fill("#id_text", "已入户查勘六户，施工单位承诺两周内完成维修。")
    page.click("[data-submit='progress']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#progress-reports [data-report]").count() == 1
    assert page.locator("#outcome-form").count() == 0
    page.screenshot(path=str(artifacts / "backlog-progress.png"), full_page=True)
    log_out(page)

    # The supervisor extends the time limit once, then records it resolved.
    log_in(page, live_server, "d1_supervisor", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/backlog/{entry.pk}/")
    page.fill("#id_due", day_after(120))
    page.fill("#extend-form #id_reason", "维修需待雨季后进行。")
    page.click("[data-submit='extend']")
    page.locator(".alert-success").wait_for()
    page.locator("#entry-extension").wait_for()
    assert page.locator("#extend-form").count() == 0
    page.check("input[name='outcome'][value='resolved']")
    page.fill("#id_note", "漏水已修复，六户居民签字确认，表示满意。")
    page.click("[data-submit='outcome']")
    page.locator(".alert-success").wait_for()
    assert page.locator("#entry-state").get_attribute("data-state") == BacklogStatus.RESOLVED
    page.screenshot(path=str(artifacts / "backlog-resolved.png"), full_page=True)

    # The dashboard counts it and drills down to it.
    page.goto(f"{live_server.url}/dashboards/")
    section = page.locator("#section-backlog_resolution")
    section.wait_for()
    assert section.locator("[data-tile='backlog_resolved']").get_attribute("data-value") == "1"
    assert section.locator("[data-tile='backlog_resolution_rate']").get_attribute("data-value") in (
        "1",
        "1.0",
    )
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "backlog-dashboard.png"), full_page=True)
    section.locator("[data-tile='backlog_resolved']").click()
    page.wait_for_url("**/ledgers/backlog/?*")
    page.locator(f"#backlog-entries tr[data-entry='{entry.number}']").wait_for()
    assert page.locator("#backlog-entries tbody tr[data-entry]").count() == 1
    page.screenshot(path=str(artifacts / "backlog-ledger.png"), full_page=True)
