"""The unit pickers search the server as the clerk types (issue 16 §2): the case list's owner
unit filter and the intake's matter location, each picked by keyboard."""

import pytest

from petitions.models import Petition
from tests.factories import PASSWORD, register_petition

from .conftest import choose, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def type_and_take_by_keyboard(page, select_id: str, text: str, wanted: str) -> None:
    """Type `text` into the picker, wait for the server's matches, go down to `wanted` with
    the arrow keys and take it with Enter."""
    page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
    search = page.locator(f"#{select_id}-ts-control")
    search.press_sequentially(text, delay=40)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    dropdown.locator(".option", has_text=wanted).first.wait_for()
    # The matches of the whole text are in (not those of its first characters still).
    page.wait_for_function(
        """([id, text]) => {
            const picker = document.getElementById(id).tomselect;
            return !picker.loading && picker.lastQuery === text;
        }""",
        arg=[select_id, text],
    )
    labels = dropdown.locator(".option").all_inner_texts()
    position = next(n for n, label in enumerate(labels) if wanted in label)
    # The first match is active when the list opens.
    for _step in range(position):
        search.press("ArrowDown")
    assert wanted in dropdown.locator(".option.active").inner_text()
    search.press("Enter")
    page.locator(f"#{select_id} + .ts-wrapper .item", has_text=wanted).wait_for()


def test_the_case_list_filters_by_a_unit_found_by_typing(
    page, live_server, org, reception1, handler1, handler2, artifacts
):
    east = register_petition(handler1, summary="东湖区的路灯不亮").petition.case
    west = register_petition(handler2, summary="西山区的井盖缺失").petition.case
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_text(west.number).wait_for()
    # No unit is on the page until one is searched.
    assert page.locator("#id_unit option").count() <= 1

    page.locator("#id_unit + .ts-wrapper .ts-control").click()
    page.locator("#id_unit-ts-control").press_sequentially("信访", delay=40)
    dropdown = page.locator("#id_unit-ts-dropdown")
    dropdown.locator(".option", has_text="东湖区信访局").wait_for()
    # Each match says where it sits, to tell units of one name apart.
    assert "东湖区" in dropdown.locator(".option", has_text="东湖区信访局").inner_text()
    page.screenshot(path=str(artifacts / "unit-picker-open.png"))
    page.locator("#id_unit-ts-control").press("Escape")
    page.locator("#id_unit-ts-control").fill("")

    type_and_take_by_keyboard(page, "id_unit", "信访局", org.d2_office.name)
    page.wait_for_url(f"**/cases/?*unit={org.d2_office.code}*")
    page.get_by_text(east.number).wait_for(state="detached")
    assert page.get_by_text(west.number).count() == 1

    # Shown again chosen when the page is loaded with the filter.
    page.reload()
    assert page.locator("#id_unit + .ts-wrapper .item").inner_text().startswith(org.d2_office.name)
    assert page.get_by_text(east.number).count() == 0


def test_the_intake_takes_a_location_found_by_typing(page, live_server, org, reception1):
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    choose(page, "id_category", "环境卫生")
    type_and_take_by_keyboard(page, "id_location_unit", "西山", org.d2_community.name)
    page.fill("#id_petitioners-0-name", "温启光")
    page.fill("#id_summary", "小区楼道垃圾长期无人清运")
    page.click("#save-petition")
    page.wait_for_url("**/receipt/")
    petition = Petition.objects.get()
    assert petition.location_unit == org.d2_community


# The answers to what the clerk types come late, as from a loaded server; the first units
# (asked for when the picker is focused) come at once.
LATE_ANSWERS = """
    window.lateAnswers = 0;
    const fetchNow = window.fetch;
    window.fetch = (url, ...rest) => {
      if (!/[?&]q=[^&]/.test(String(url))) return fetchNow(url, ...rest);
      return new Promise((wait) => setTimeout(wait, 1500))
        .then(() => fetchNow(url, ...rest))
        .then((response) => {
          window.lateAnswers += 1;
          return response;
        });
    };
"""


def test_a_late_answer_leaves_a_closed_picker_closed(page, live_server, org, reception1):
    """Taken from the first units shown, then the answer to the typed text arrives: the list
    stays closed and the focus where the clerk left it (CI caught the list opening again)."""
    page.add_init_script(LATE_ANSWERS)
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    page.locator("#id_location_unit + .ts-wrapper .ts-control").click()
    dropdown = page.locator("#id_location_unit-ts-dropdown")
    first = dropdown.locator(".option").first
    first.wait_for()
    name = first.inner_text().split(" · ")[0].strip()
    page.locator("#id_location_unit-ts-control").fill(name)
    dropdown.locator(".option", has_text=name).first.click()
    page.locator("#id_location_unit + .ts-wrapper .item", has_text=name).wait_for()
    page.locator("#id_location_unit-ts-control").press("Escape")
    assert dropdown.is_hidden()

    page.wait_for_function(
        "() => window.lateAnswers > 0"
        " && !document.getElementById('id_location_unit').tomselect.loading"
    )
    assert dropdown.is_hidden()
    assert page.locator("#id_location_unit + .ts-wrapper .item").inner_text().startswith(name)
    assert page.evaluate("document.activeElement.id") == "id_location_unit-ts-control"
