"""Issue 15's whole path in the browser: a petitioner submits online on a phone (390 × 844)
with an attachment; the district petition office finds it in its queue and accepts it; the
petitioner looks it up with the code and downloads the acceptance notice (受理告知书); the
case is answered; the petitioner rates the answer online. Screenshots in test-artifacts/."""

import io

import pytest
from django.utils import timezone
from docx import Document as read_docx

from cases.models import CaseStatus, Evaluation, NoticeKind, WrittenNotice
from petitions.models import Attachment, Channel, Petition
from tests.factories import PASSWORD, deliver, pdf_bytes

from .conftest import log_in
from .test_case_flow import open_action, submit_action
from .test_portal_browser import _last_code, fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit_online(phone, live_server, sms, artifacts) -> tuple[str, str]:
    """Submit the petition on the phone; (number, query code) as the page shows them."""
    phone.goto(f"{live_server.url}/public/submit/")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_captcha_1", "PASSED")
    phone.click("#phone-submit")
    phone.locator("#code-sent").wait_for()
    phone.fill("#id_sms_code", _last_code(sms))
    phone.click("#code-submit")
    phone.locator("#verified-phone").wait_for()
    phone.fill("#id_name", "赵六")
    phone.fill("#id_id_number", "11010519491231002X")
    phone.fill("#id_address", "西山街道2号")
    phone.fill("#id_location_unit", "西山街道")
    phone.select_option("#id_category", label="劳动和社会保障 › 拖欠工资")
    phone.fill("#id_summary", "西山某厂拖欠工资两个月")
    phone.fill("#id_content", "本人在西山某厂务工，厂方拖欠工资两个月，多次讨要未果。")
    phone.fill("#id_demands", "请求督促厂方支付拖欠的工资")
    phone.set_input_files(
        "#id_attachments",
        files=[{"name": "工资条.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    phone.fill("#id_captcha_1", "PASSED")
    phone.screenshot(path=str(artifacts / "online-1-form-390.png"), full_page=True)
    phone.click("#submit-petition")
    phone.locator("#submitted").wait_for()
    fits(phone, "#submitted")
    phone.screenshot(path=str(artifacts / "online-2-submitted-390.png"), full_page=True)
    return (
        phone.locator("#submitted-number").inner_text().strip(),
        phone.locator("#submitted-code").inner_text().strip(),
    )


def look_up(phone, live_server, number: str, code: str) -> None:
    phone.goto(f"{live_server.url}/public/query/")
    phone.fill("#id_number", number)
    phone.fill("#id_query_code", code)
    phone.click("#query-submit")
    phone.locator("#matter-status").wait_for()


@pytest.mark.usefixtures("puzzle_passes")
def test_submitted_online_accepted_notice_downloaded_answered_and_rated(
    phone, page, live_server, org, handler2, d2_leader, sms, artifacts
):
    number, code = submit_online(phone, live_server, sms, artifacts)
    petition = Petition.objects.select_related("case").get(number=number)
    assert petition.channel == Channel.ONLINE and petition.receiving_unit == org.d2_office
    assert Attachment.objects.filter(petition=petition, original_name="工资条.pdf").exists()
    assert any(number in text and code in text for _to, text in sms.sent)

    # The district petition office finds it in its queue and accepts it.
    log_in(page, live_server, handler2.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/queue/")
    page.locator(f"[data-section='to-accept'] [data-case='{number}']").wait_for()
    page.screenshot(path=str(artifacts / "online-3-queue.png"), full_page=True)
    page.click(f"[data-section='to-accept'] a:text('{number}')")
    page.wait_for_url(f"**/cases/{number}/")
    assert "信访人网上提交" in page.locator("#timeline").inner_text()
    open_action(page, "accept")
    page.fill("#id_accept_comment", "属于本机关职责范围，予以受理")
    submit_action(page, "accept", number)
    notice = WrittenNotice.objects.get(case=petition.case, kind=NoticeKind.ACCEPTANCE)
    assert notice.delivery_method == "online"  # came online: delivered on the portal
    page.screenshot(path=str(artifacts / "online-4-accepted.png"), full_page=True)

    # The petitioner looks it up and downloads the acceptance notice.
    look_up(phone, live_server, number, code.lower())
    assert phone.locator("#matter-status").inner_text() == "已受理"
    link = phone.locator("#documents a", has_text="信访事项受理告知书")
    fits(phone, "#documents")
    phone.screenshot(path=str(artifacts / "online-5-accepted-390.png"), full_page=True)
    with phone.expect_download() as download:
        link.click()
    content = download.value.path().read_bytes()
    text = "\n".join(p.text for p in read_docx(io.BytesIO(content)).paragraphs)
    assert "信访事项受理告知书" in text and notice.number in text and "赵六" in text
    assert "11010519491231002X" not in text and "13912345678" not in text

    # The case is answered; the petitioner rates the answer online.
    deliver(petition.case, handler2, d2_leader, on=timezone.localdate())
    look_up(phone, live_server, number, code)
    assert phone.locator("#matter-status").inner_text() == "已答复"
    assert phone.locator("#documents a", has_text="信访处理意见书").count() == 1
    phone.check("#evaluate-form input[value='satisfied']")
    phone.fill("#evaluate-form textarea", "处理及时，满意。")
    fits(phone, "#evaluate-submit")
    phone.screenshot(path=str(artifacts / "online-6-rate-390.png"), full_page=True)
    phone.click("#evaluate-submit")
    phone.locator("#evaluate-thanks").wait_for()
    assert phone.locator("#evaluate-result").inner_text() == "满意"
    phone.screenshot(path=str(artifacts / "online-7-rated-390.png"), full_page=True)
    evaluation = Evaluation.objects.get(case=petition.case)
    assert evaluation.online and evaluation.result == "satisfied"
    petition.case.refresh_from_db()
    assert petition.case.status == CaseStatus.EVALUATED
