"""Browser test: the bell counts a handler's unread notifications on every page, opening one
from the inbox follows its link and counts it read, and "mark all read" empties the bell."""

import pytest

from escalation.kinds import EscalationNotificationKind
from tests.factories import PASSWORD
from tests.notifications.factories import make_notifications

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_bell_inbox_open_and_mark_all_read(page, live_server, handler1, artifacts):
    make_notifications(handler1, 2, kind=EscalationNotificationKind.OVERDUE, title="办理时限已超期")
    make_notifications(handler1, 1, title="请查看我的待办", url="/cases/queue/", case_number="")
    log_in(page, live_server, "handler1", PASSWORD)

    bell = page.locator("#bell-count")
    bell.wait_for()
    assert bell.inner_text() == "3"

    page.click("#bell-link")
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator("[data-unread=true]").count() == 3
    page.click("#nav-escalation")
    page.locator("#nav-escalation + .dropdown-menu").wait_for(state="visible")
    page.screenshot(path=str(artifacts / "notifications-inbox-1400.png"))
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 800, "height": 900})
    assert page.locator("#bell-count").is_visible()  # outside the collapsed menu
    page.screenshot(path=str(artifacts / "notifications-inbox-800.png"))
    page.click(".navbar-toggler")
    page.locator("#main-nav.show").wait_for()
    page.screenshot(path=str(artifacts / "notifications-inbox-800-menu.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.get_by_role("button", name="请查看我的待办").click()
    page.wait_for_url(f"{live_server.url}/cases/queue/")
    page.locator("#bell-count").wait_for()
    assert page.locator("#bell-count").inner_text() == "2"

    page.goto(f"{live_server.url}/notifications/?read=false")
    assert page.locator("[data-notification]").count() == 2
    page.click("#mark-all-read")
    page.wait_for_url(f"{live_server.url}/notifications/")
    page.locator("#bell-link").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("#bell-count").count() == 0
    assert page.locator("[data-unread=true]").count() == 0
