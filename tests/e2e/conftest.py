"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They run on the real clock: the live server's cookies are stamped with the process's
time.time() and Chromium checks them against its own, so the clock cannot be frozen here
(`frozen_now` refuses). Their dates are counted from the real today."""

import datetime
import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--lang=zh-CN",  # date inputs in the order a Chinese clerk sees them
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    # Generous: with -n 2 two browsers and two live servers share the two cores.
    page.set_default_timeout(30000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone (390 × 844, touch) with JavaScript off, as the public portal must work on."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


@pytest.fixture
def puzzle_passes(settings, monkeypatch):
    """The picture puzzle takes "PASSED" (CAPTCHA_TEST_MODE, in the package's copy too)."""
    import captcha.conf.settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha.conf.settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def reception_days_from(schedule, start: datetime.date) -> list[datetime.date]:
    """The schedule's open reception days from `start` on (60 days), by the application's own
    recurrence and work calendar (a day falling on a rest day moves): what the pages offer.
    The rules themselves are tested on fixed dates in tests/reception."""
    from reception.selectors import reception_days

    end = start + datetime.timedelta(days=60)
    return [
        view.date
        for view in reception_days(schedules=[schedule], start=start, end=end)
        if view.is_open
    ]


def next_reception_day(schedule, start: datetime.date) -> datetime.date:
    """The schedule's first open reception day on or after `start`."""
    return reception_days_from(schedule, start)[0]


def open_panel(page, key: str) -> None:
    """Open another app's panel on the case page (`escalation`, `reception`): closed with
    the page, it loads when opened."""
    page.click(f"#panel-{key} > summary")
    page.locator(f"#{key}-panel").wait_for()


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petitions/")


def choose(page, select_id: str, text: str) -> None:
    """Pick an option of a searchable select the way a clerk does: type part of its label
    into the Tom Select control, then take the match offered."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    control = page.locator(f"#{select_id} + .ts-wrapper .ts-control")
    search = page.locator(f"#{select_id}-ts-control")
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first
    for _attempt in range(3):
        control.click()
        search.fill(text)
        try:
            option.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeoutError:
            # On a busy machine a live panel updating (the repeat check) can close the list
            # between the click and the typing: open it again, as a clerk would.
            continue
    option.click()
    page.locator(f"#{select_id} + .ts-wrapper .item", has_text=text).wait_for()
    # Close the list and stay on the field. Pressed on the field itself: a script moving the
    # focus (a form card opening) must not swallow the key.
    search.press("Escape")
    page.locator(f"#{select_id}-ts-dropdown").wait_for(state="hidden")
