"""Browser test: "/" puts the cursor in the navigation's search box; a name, an ID number and
a phone typed there each find the person, whose page lists their petitions (masked data)."""

import pytest

from audit.models import AuditAction, AuditEntry
from core.identity import mask_id_number
from tests.factories import PASSWORD, make_id_number, make_phone, petitioner, register_petition

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_find_a_person_from_the_nav_box(page, live_server, handler1, artifacts):
    id_number, phone = make_id_number(sequence=21), make_phone()
    petition = register_petition(
        handler1, petitioners=[petitioner(name="张伟", id_number=id_number, phone=phone)]
    ).petition
    log_in(page, live_server, "handler1", PASSWORD)

    box = page.locator("#nav-search-q")
    page.locator("body").click()
    page.keyboard.press("/")
    assert box.evaluate("element => element === document.activeElement")
    assert box.input_value() == ""  # the "/" itself is not typed

    for q in ("张", id_number, phone):
        page.keyboard.press("/")
        box.fill(q)
        box.press("Enter")
        page.wait_for_url(f"{live_server.url}/search/**")
        person = page.locator("[data-person]")
        assert person.count() == 1, q
        assert person.inner_text() == "张伟"
        page.locator("body").click()
    page.screenshot(path=str(artifacts / "search-results.png"))

    page.locator("[data-person]").click()
    page.wait_for_url(f"{live_server.url}/petitions/people/**")
    text = page.locator("main").inner_text()
    assert petition.number in text
    assert mask_id_number(id_number) in text and id_number not in text
    page.screenshot(path=str(artifacts / "search-person.png"))
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_SEARCH).count() == 2
