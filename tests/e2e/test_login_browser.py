"""Browser tests: the lockout page after too many wrong passwords, and an htmx request of a
session that has ended takes the whole page to the login page (HX-Redirect), never swapping
the login form into a fragment."""

import re

import pytest

from tests.factories import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_too_many_wrong_passwords_show_the_lockout_page(page, live_server, handler1):
    for _ in range(6):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler1")
        page.fill("#id_password", "wrong-password-1")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    page.fill("#id_username", "handler1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    message = page.locator("#lockout-message")
    message.wait_for()
    assert "锁定" in message.inner_text()
    assert page.url.startswith(f"{live_server.url}/login/")


def test_an_htmx_request_after_the_session_ended_goes_to_the_login_page(
    page, live_server, handler1
):
    from django.contrib.sessions.models import Session

    log_in(page, live_server, "handler1", PASSWORD)
    Session.objects.all().delete()  # ended (idle, 12 hours, password changed elsewhere)
    # What a filter or a panel of the page does: a fragment into the page.
    page.evaluate("htmx.ajax('GET', '/cases/queue/', 'main')")
    page.wait_for_url(re.compile(r".*/login/\?next=.*"))
    assert page.locator("#id_username").count() == 1
    assert page.locator("nav").count() == 1  # a whole page, not one inside the old one
