"""The intake page by keyboard: the first field focused on load, Tab skipping the time of
receipt until the clerk chooses to change it, and after a refused submit the focus on the
first field in error, each error shown once (issue 16 §1 B)."""

import pytest

from tests.factories import PASSWORD

from .conftest import choose, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_intake_by_keyboard(page, live_server, org, reception1):
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    page.wait_for_function("() => document.activeElement.id === 'id_channel'")

    # Tab goes from the channel past the time of receipt to the receiving unit (its picker,
    # which searches the units as one types), and through it without changing it.
    chosen = page.locator("#id_receiving_unit").input_value()
    page.keyboard.press("Tab")
    assert focused(page) == "id_receiving_unit-ts-control"
    # Once its list is open (the first units, fetched on focus) Tab still moves on.
    page.locator("#id_receiving_unit-ts-dropdown .option").first.wait_for()
    page.keyboard.press("Tab")
    assert focused(page) != "id_receiving_unit-ts-control"
    assert page.locator("#id_receiving_unit").input_value() == chosen
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "id_receiving_unit-ts-control"
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "id_channel"
    # Until the clerk chooses to change it.
    page.click("#change-received-at")
    assert focused(page) == "id_received_at"
    page.focus("#id_channel")
    page.keyboard.press("Tab")
    assert focused(page) == "id_received_at"

    # A refused submit: the focus lands on the first field in error, the ID number.
    choose(page, "id_category", "环境卫生")
    choose(page, "id_location_unit", org.d1_community.name)
    page.fill("#id_petitioners-0-name", "温启光")
    page.fill("#id_petitioners-0-id_number", "123")
    page.locator("[data-id-info=error]").wait_for()
    id_info_requests = []
    page.on("request", lambda r: "/id-info/" in r.url and id_info_requests.append(r.url))
    page.click("#save-petition")
    page.locator("#form-has-errors").wait_for()
    page.wait_for_function("() => document.activeElement.id === 'id_petitioners-0-id_number'")
    errors = page.locator("[data-field-error]")
    assert sorted(errors.evaluate_all("els => els.map(e => e.dataset.fieldError)")) == [
        "petitioners-0-id_number",
        "summary",
    ]
    # The error is shown once: the live ID info does not repeat it.
    page.locator("#repeat-panel [data-repeat]").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert id_info_requests == []
    assert page.locator("[data-id-info]").count() == 0
    assert page.get_by_text("身份证号码应为18位").count() == 1
    # Typing again replaces the stale error with the live info.
    page.fill("#id_petitioners-0-id_number", "1234")
    page.locator("[data-id-info=error]").wait_for()
    assert page.locator("[data-field-error='petitioners-0-id_number']").count() == 0
    assert page.get_by_text("身份证号码应为18位").count() == 1
