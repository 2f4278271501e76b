"""In Chromium, on 2026-12-28: the handler's case page marks the handling clock due in 2027
as provisional; the administrator's calendar page shows 2027 as provisional with
the holidays assumed; loading the official schedule refuses a day of another year at its
field, then loads it; the handler's case page shows the handling clock moved to the make-up
workday, no longer provisional, with the change on the timeline. Screenshots at 1400 px."""

import datetime
import zoneinfo

import pytest
import time_machine

from accounts.models import CalendarYear
from cases import services
from cases.models import Deadline, DeadlineKind
from tests.factories import PASSWORD, UserFactory, register_petition

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def december_28():
    with time_machine.travel(datetime.datetime(2026, 12, 28, 10, tzinfo=SHANGHAI), tick=True):
        yield


def test_admin_loads_the_2027_schedule_and_the_clock_moves(
    page, live_server, org, handler1, december_28, artifacts
):
    # A superuser: a transactional test may start after a flush took the admin role's
    # permissions (granted after migrating) away.
    UserFactory(
        username="sysadmin", org_unit=org.city, is_staff=True, is_superuser=True, roles=["admin"]
    )
    # Accepted 2026-12-22: +60 = Sat 2027-02-20, provisionally rolled to Mon 02-22.
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 12, 22, 9, tzinfo=SHANGHAI)
    ).petition.case
    services.case_accept(actor=handler1, case=case, on=datetime.date(2026, 12, 22))
    clock = Deadline.objects.get(case=case, kind=DeadlineKind.HANDLING)
    assert (clock.due_on, clock.due_provisional) == (datetime.date(2027, 2, 22), True)
    url = live_server.url

    # The handler sees the handling clock marked provisional.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{url}/cases/{case.number}/")
    badge = page.locator("#clocks [data-due-provisional]")
    badge.wait_for()
    assert badge.count() == 1 and "暂定" in badge.inner_text()
    page.screenshot(path=str(artifacts / "case-clock-provisional.png"), full_page=True)
    page.context.clear_cookies()

    page.goto(f"{url}/admin/login/?next=/admin/accounts/calendarday/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/accounts/calendarday/")
    assert page.locator("tr[data-year='2027']").get_attribute("data-kind") == "provisional"
    assert page.locator("tr[data-year='2026']").get_attribute("data-kind") == "package"
    assert "02-05–02-10" in page.locator("tr[data-year='2027']").inner_text()
    assert "2027" in page.locator("#calendar-years-provisional").inner_text()
    page.screenshot(path=str(artifacts / "admin-calendar-provisional.png"), full_page=True)

    page.click("#calendar-load-official")
    page.wait_for_url("**/calendarday/load-official/")
    page.fill("#id_year", "2027")
    page.fill("#id_source", "国办发明电〔2026〕N号")
    page.fill("#id_rest_days", "2027-01-01\n2027-02-05..2027-02-13\n2028-01-01")
    page.fill("#id_workdays", "2027-02-20")
    page.click("[data-submit='load-official']")
    page.locator("[data-field-error='rest_days']").wait_for()
    assert "2028" in page.locator("[data-field-error='rest_days']").inner_text()
    page.screenshot(path=str(artifacts / "admin-calendar-load-error.png"), full_page=True)

    page.fill("#id_rest_days", "2027-01-01\n2027-02-05..2027-02-13")
    page.click("[data-submit='load-official']")
    page.wait_for_url("**/admin/accounts/calendarday/")
    messages = page.locator(".messagelist").first.inner_text()
    assert "2027" in messages and "1" in messages
    assert page.locator("tr[data-year='2027']").get_attribute("data-kind") == "official"
    assert page.locator("#calendar-years-provisional").count() == 0 or (
        "2027" not in page.locator("#calendar-years-provisional").inner_text()
    )
    page.screenshot(path=str(artifacts / "admin-calendar-official.png"), full_page=True)
    assert CalendarYear.objects.get(year=2027).official

    page.context.clear_cookies()
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{url}/cases/{case.number}/")
    clocks = page.locator("#clocks")
    clocks.wait_for()
    assert "2027-02-20" in clocks.inner_text()
    assert clocks.locator("[data-due-provisional]").count() == 0
    assert "时限因工作日历调整由" in page.content()
    page.screenshot(path=str(artifacts / "case-clock-moved-by-calendar.png"), full_page=True)
