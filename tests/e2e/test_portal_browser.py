"""The public portal on a phone (390 × 844) with JavaScript off: a petitioner follows their
matter with the number and query code from the receipt, then turns on large text."""

import pytest

from cases import services
from tests.factories import register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page, selector: str, *, min_height: int = 44) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    assert box["height"] >= min_height, selector


def test_a_petitioner_follows_the_matter_on_a_phone_without_javascript(
    phone, live_server, org, handler1, artifacts
):
    registration = register_petition(handler1, summary="小区路灯长期不亮")
    petition, code = registration.petition, registration.query_code
    services.case_forward(actor=handler1, case=petition.case, to_unit=org.d2_office)

    phone.goto(f"{live_server.url}/public/")
    assert phone.locator("h1").inner_text() == "网上信访"
    fits(phone, "#start-query")
    phone.screenshot(path=str(artifacts / "portal-start-390.png"), full_page=True)
    phone.click("#start-query")
    phone.wait_for_url("**/public/query/")

    # A wrong code first: the same answer as for a number that does not exist.
    phone.fill("#id_number", petition.number)
    phone.fill("#id_query_code", "WRONGCDE")
    fits(phone, "#id_number")
    fits(phone, "#query-submit")
    phone.click("#query-submit")
    assert "未查到" in phone.locator("#query-error").inner_text()

    phone.fill("#id_query_code", code.lower())
    phone.click("#query-submit")
    status = phone.locator("#matter-status")
    assert status.inner_text() == f"已转送至{org.d2_office.name}"
    assert phone.locator("#matter-number").inner_text() == petition.number
    assert "受理决定期限" in phone.locator("#due-dates").inner_text()
    assert phone.locator("#steps li").count() == 2
    assert "handler1" not in phone.content() and "王承办" not in phone.content()
    fits(phone, "#matter")
    phone.screenshot(path=str(artifacts / "portal-matter-390.png"), full_page=True)

    # Large text and high contrast, kept by a cookie on the next pages.
    phone.click("#display-toggle")
    phone.wait_for_url("**/public/query/")
    assert "portal-large" in (phone.locator("body").get_attribute("class") or "")
    phone.goto(f"{live_server.url}/public/")
    assert "portal-large" in (phone.locator("body").get_attribute("class") or "")
    fits(phone, "#start-query", min_height=50)
    phone.screenshot(path=str(artifacts / "portal-start-large-390.png"), full_page=True)


def test_the_portal_pages_keep_the_content_security_policy(page, live_server, db):
    """With JavaScript on (as most phones have it), the portal's pages report no violation."""
    from .test_csp_crawl import Watched

    watched = Watched(page, live_server)
    watched.visit("/public/")
    watched.visit("/public/query/")
    page.fill("#id_number", "D1XFJ-2026-999999")
    page.fill("#id_query_code", "WRONGCDE")
    page.click("#query-submit")
    page.locator("#query-error").wait_for()
    watched.collect("/public/query/ (answer)")
    assert watched.problems == []


def _last_code(sms) -> str:
    import re

    return re.search(r"\d{6}", sms.sent[-1][1]).group(0)


@pytest.mark.usefixtures("puzzle_passes")
def test_a_petitioner_submits_a_petition_on_a_phone_without_javascript(
    phone, live_server, org, sms, artifacts
):
    from petitions.models import Petition

    phone.goto(f"{live_server.url}/public/")
    fits(phone, "#start-submit")
    phone.click("#start-submit")
    phone.wait_for_url("**/public/submit/")
    assert phone.locator("img.captcha").evaluate("image => image.naturalWidth") > 0
    fits(phone, "#id_phone")
    fits(phone, "#id_captcha_1")
    phone.screenshot(path=str(artifacts / "portal-submit-phone-390.png"), full_page=True)
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_captcha_1", "PASSED")
    phone.click("#phone-submit")
    phone.locator("#code-sent").wait_for()
    phone.fill("#id_sms_code", _last_code(sms))
    fits(phone, "#code-submit")
    phone.screenshot(path=str(artifacts / "portal-submit-code-390.png"), full_page=True)
    phone.click("#code-submit")
    phone.locator("#verified-phone").wait_for()

    phone.fill("#id_name", "赵六")
    phone.fill("#id_id_number", "11010519491231002X")
    phone.fill("#id_address", "西山街道2号")
    phone.fill("#id_location_unit", "西山街道")  # a text box without JavaScript
    phone.select_option("#id_category", label="劳动和社会保障 › 拖欠工资")
    phone.fill("#id_summary", "拖欠工资")
    phone.fill("#id_content", "公司拖欠工资两个月。")
    phone.fill("#id_captcha_1", "PASSED")
    for selector in ("#id_name", "#id_location_unit", "#id_category", "#submit-petition"):
        fits(phone, selector)
    phone.screenshot(path=str(artifacts / "portal-submit-form-390.png"), full_page=True)
    phone.click("#submit-petition")
    phone.locator("#submitted").wait_for()
    petition = Petition.objects.get()
    assert phone.locator("#submitted-number").inner_text() == petition.number
    assert petition.receiving_unit == org.d2_office
    fits(phone, "#submitted")
    phone.screenshot(path=str(artifacts / "portal-submitted-390.png"), full_page=True)


@pytest.mark.usefixtures("puzzle_passes")
def test_the_place_picker_searches_as_one_types_within_the_policy(page, live_server, org, sms):
    from .test_csp_crawl import Watched

    watched = Watched(page, live_server)
    watched.visit("/public/submit/")
    page.fill("#id_phone", "13912345679")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#phone-submit")
    page.locator("#code-sent").wait_for()
    watched.collect("/public/submit/ (step 2)")
    page.fill("#id_sms_code", _last_code(sms))
    page.click("#code-submit")
    page.locator("#verified-phone").wait_for()
    watched.collect("/public/submit/ (step 3)")
    picker = page.locator("#field-location_unit .ts-control input")
    picker.fill("西山街")
    option = page.locator("#field-location_unit .ts-dropdown .option", has_text="西山街道").first
    option.wait_for()
    assert "江城市" in option.inner_text()  # the path under the name
    option.click()
    assert page.locator("#id_location_unit").input_value() == "D2S1"
    watched.collect("/public/submit/ (picker)")
    assert watched.problems == []


def test_large_text_turns_on_without_losing_what_was_typed(page, live_server, db):
    """With JavaScript the switch stays on the page: what was typed stays; the choice is kept
    for the next pages as without it."""
    page.goto(f"{live_server.url}/public/query/")
    page.fill("#id_number", "D1XFJ-2026-000001")
    page.click("#display-toggle")
    page.wait_for_function("() => document.body.classList.contains('portal-large')")
    assert page.url.endswith("/public/query/")
    assert page.input_value("#id_number") == "D1XFJ-2026-000001"
    assert page.locator("#display-toggle").inner_text() == "标准字体"
    page.goto(f"{live_server.url}/public/")
    assert "portal-large" in (page.locator("body").get_attribute("class") or "")
    page.click("#display-toggle")
    page.wait_for_function("() => !document.body.classList.contains('portal-large')")
    page.reload()
    assert "portal-large" not in (page.locator("body").get_attribute("class") or "")
