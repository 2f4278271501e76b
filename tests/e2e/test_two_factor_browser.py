"""Browser test: in production mode a leader without a device is taken from the login to the
enrolment page, scans (reads) the QR code's secret, confirms with a code and gets the backup
codes; at the next login the second page takes a backup code. No console errors on the way
(the QR code is an <img> of an SVG data: URI, no script)."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_enrol_then_log_in_with_a_backup_code(page, live_server, org, settings, artifacts):
    settings.OTP_ENFORCED = True
    UserFactory(username="leader-2fa", org_unit=org.city, roles=["leader"])
    errors = []
    page.on(
        "console",
        lambda message: message.type == "error"
        and "Failed to load resource" not in message.text  # listed by URL below
        and errors.append(message.text),
    )
    page.on(
        "response",
        lambda response: response.status >= 400
        and not response.url.endswith("/favicon.ico")  # none yet, on every page
        and errors.append(f"{response.status} {response.url}"),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "leader-2fa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/account/two-factor/enrol/**")
    assert page.locator("#nav-queue").count() == 0  # nothing else is offered
    qr = page.locator("#otp-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(artifacts / "two-factor-enrol.png"))

    secret = page.inner_text("#otp-secret").replace(" ", "")
    page.fill("#id_code", f"{totp(b32decode(secret)):06d}")
    page.click("#otp-enrol-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/account/two-factor/backup-codes/")
    codes = page.locator("#otp-backup-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=返回账户安全")
    page.wait_for_url(f"{live_server.url}/account/security/")
    assert "已启用" in page.inner_text("#otp-status")

    page.click("#current-user")  # the user menu: 账户安全
    page.locator("#nav-account-security").wait_for(state="visible")
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/")
    page.fill("#id_username", "leader-2fa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/verify/**")
    page.fill("#id_code", codes[0])
    page.click("#otp-verify-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petitions/")
    assert errors == []
