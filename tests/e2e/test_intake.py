import pytest
from django.utils import timezone

from cases.models import Case
from core.workcalendar import due_date
from petitions.models import Petition
from tests.factories import PASSWORD, make_id_number, petitioner, register_petition

from .conftest import choose, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reception_registers_a_visit_with_a_repeat_petitioner(
    page, live_server, org, reception1, artifacts
):
    returning_id = make_id_number()
    earlier = register_petition(
        reception1,
        location_unit=org.d1_community,
        summary="小区楼道垃圾长期无人清运",
        petitioners=[petitioner(name="孙佩华", id_number=returning_id)],
    ).petition

    log_in(page, live_server, "reception1", PASSWORD)
    page.click("text=信访登记")
    page.wait_for_url("**/petitions/new/")
    assert page.locator("#id_channel").input_value() == "visit"

    choose(page, "id_category", "环境卫生")
    choose(page, "id_location_unit", org.d1_community.name)
    page.fill("#id_petitioners-0-name", "温启光")
    page.fill("#id_petitioners-0-id_number", make_id_number(female=False))
    page.fill("#id_petitioners-0-phone", "13912345678")
    page.click("#add-petitioner")
    page.fill("#id_petitioners-1-name", "孙佩华")
    page.fill("#id_petitioners-1-id_number", returning_id)
    # Birth date and sex are derived from each ID number as it is typed.
    page.locator("[data-row]").nth(0).locator("[data-id-info=ok]").wait_for()
    page.locator("[data-row]").nth(1).locator("[data-id-info=ok]").wait_for()
    # The repeat panel shows the earlier case of the second petitioner.
    match = page.locator(f"[data-repeat-case='{earlier.case.number}']")
    match.wait_for()
    assert "孙佩华" in match.locator("[data-matched]").inner_text()
    page.fill("#id_person_count", "2")
    page.fill("#id_summary", "院内上世纪五十年代铺设的自来水主管道每天漏水")
    page.screenshot(path=str(artifacts / "intake-repeat-panel.png"), full_page=True)

    page.click("#save-petition")
    page.wait_for_url("**/receipt/")

    petition = Petition.objects.exclude(pk=earlier.pk).get()
    number = page.locator("#receipt-number").inner_text()
    assert number == petition.number == f"CTXFJ-{timezone.localdate().year}-000002"
    code = page.locator("#receipt-query-code").inner_text()
    assert len(code) == 8
    expected_due = due_date(timezone.localdate(petition.received_at), 15)
    assert page.locator("#receipt-acceptance-due").inner_text() == f"{expected_due:%Y-%m-%d}"
    assert not petition.is_first_time
    assert Case.objects.count() == 2
    page.screenshot(path=str(artifacts / "intake-receipt.png"), full_page=True)

    # The query code is shown once only.
    page.reload()
    assert page.locator("#receipt-query-code").count() == 0


def test_attaching_a_repeat_petition_keeps_one_case(page, live_server, org, reception1):
    returning_id = make_id_number()
    earlier = register_petition(
        reception1,
        location_unit=org.d1_community,
        petitioners=[petitioner(name="温启光", id_number=returning_id)],
    ).petition

    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    choose(page, "id_category", "市政设施")
    choose(page, "id_location_unit", org.d1_community.code)
    page.fill("#id_petitioners-0-name", "温启光")
    page.fill("#id_petitioners-0-id_number", returning_id)
    page.click(f"[data-attach-case='{earlier.case.number}']")
    page.locator("#attach-banner").wait_for()
    page.fill("#id_summary", "再次反映水管漏水")
    page.click("#save-petition")
    page.wait_for_url("**/receipt/")

    repeat = Petition.objects.exclude(pk=earlier.pk).get()
    assert repeat.case_id == earlier.case_id
    assert repeat.is_repeat
    assert Case.objects.count() == 1


def test_bad_id_number_is_shown_inline_in_chinese(page, live_server, org, reception1):
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    page.fill("#id_petitioners-0-name", "张三")
    page.fill("#id_petitioners-0-id_number", "110105194912310021")
    page.locator("[data-id-info=error]").wait_for()
    page.click("#save-petition")
    error = page.locator("[data-field-error='petitioners-0-id_number']")
    assert "校验" in error.inner_text()
    assert Petition.objects.count() == 0


# Typed into a picker, the list must follow at once. Tom Select's default refreshes it 300 ms
# later; a clerk who had already picked and moved on then saw the list open again over the
# form, taking the focus from the field being typed in.
FILTER_NOW = """([id, text]) => {
    const picker = document.getElementById(id).tomselect;
    picker.focus();
    picker.control_input.value = text;
    picker.control_input.dispatchEvent(new Event("input"));
    return [...picker.dropdown_content.querySelectorAll(".option")].map((o) => o.textContent);
}"""


def test_a_picker_filters_as_the_clerk_types_without_a_late_refresh(
    page, live_server, org, reception1
):
    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{live_server.url}/petitions/new/")
    # A list on the page (the categories) follows on the key itself.
    offered = page.evaluate(FILTER_NOW, ["id_category", "环境卫生"])
    assert offered and all("环境卫生" in label for label in offered)
    assert not page.evaluate(
        "() => document.getElementById('id_category').tomselect.refreshTimeout"
    )
    # The units come from the server: once its matches are in, nothing is left to refresh.
    page.evaluate(FILTER_NOW, ["id_location_unit", org.d1_community.name])
    page.wait_for_function(
        """(text) => {
            const picker = document.getElementById("id_location_unit").tomselect;
            return !picker.loading && picker.lastQuery === text;
        }""",
        arg=org.d1_community.name,
    )
    options = page.locator("#id_location_unit-ts-dropdown .option").all_inner_texts()
    assert options and all(org.d1_community.name in label for label in options)
    assert not page.evaluate(
        "() => document.getElementById('id_location_unit').tomselect.refreshTimeout"
    )
