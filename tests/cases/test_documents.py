"""The reply document (信访处理意见书 / 信访事项答复意见书): its content, the .docx layout read
back with python-docx, the print page, scope (404) and the draft mark."""

import datetime
import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from cases import services
from cases.documents import official_date, reply_document, reply_docx
from cases.models import MatterKind
from tests.document_links import check_token_download
from tests.factories import petitioner, register_petition, token_client

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
REQUEST = "请求清运楼道垃圾并安排专人收取袋装垃圾。"
FACTS = "经查，升平街3号楼原保洁人员因矛盾停止收运。\n街道已协调社区当日清运完毕。"
BASIS = "《城市市容和环境卫生管理条例》第二十八条"


def print_url(reply) -> str:
    return reverse("cases:reply_print", args=[reply.case.number, reply.pk])


def docx_url(reply) -> str:
    return reverse("cases:reply_docx", args=[reply.case.number, reply.pk])


@pytest.fixture
def person():
    return petitioner(name="孙佩华", phone="13945120367", address="东湖社区3号楼")


@pytest.fixture
def draft(street_handler, person, frozen_now):
    """A complaint received and accepted by the street office D1S1, its reply drafted."""
    case = register_petition(
        street_handler,
        received_at=datetime.datetime(2026, 11, 20, 9, 20, tzinfo=SHANGHAI),
        petitioners=[person],
        summary="升平街3号楼楼道垃圾堆积",
    ).petition.case
    services.case_accept(actor=street_handler, case=case, on=D(2026, 11, 20))
    return services.reply_draft(
        actor=street_handler,
        case=case,
        request=REQUEST,
        facts_and_reasons=FACTS,
        opinion="support",
        legal_basis=BASIS,
        resolved=True,
        on=D(2026, 11, 21),
    )


@pytest.fixture
def draft_again(street_handler, person, frozen_now):
    """A second complaint of the street office, its reply drafted."""
    case = register_petition(
        street_handler,
        received_at=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI),
        petitioners=[person],
        summary="升平街5号楼路灯不亮",
    ).petition.case
    services.case_accept(actor=street_handler, case=case, on=D(2026, 11, 20))
    return services.reply_draft(
        actor=street_handler,
        case=case,
        request="请求修复路灯。",
        facts_and_reasons="经查，路灯线路老化。",
        legal_basis="《城市照明管理规定》",
        opinion="support",
        resolved=True,
        on=D(2026, 11, 21),
    )


@pytest.fixture
def approved(draft, city_leader):
    services.approval_decide(
        actor=city_leader, approval=draft.approvals.get(), approve=True, on=D(2026, 11, 22)
    )
    draft.refresh_from_db()
    return draft


def docx_text(content: bytes) -> str:
    """Every text of the package, headers included, as one string."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml")
        )


def paragraph_texts(content: bytes) -> list[str]:
    return [p.text for p in read_docx(io.BytesIO(content)).paragraphs]


# --- content ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, text",
    [
        (D(2026, 11, 22), "2026年11月22日"),
        (D(2026, 12, 4), "2026年12月4日"),
        (D(2027, 1, 1), "2027年1月1日"),
        (D(2026, 12, 31), "2026年12月31日"),
        (D(2020, 2, 20), "2020年2月20日"),
    ],
)
def test_official_date_is_in_arabic_numerals_without_leading_zeros(day, text):
    assert official_date(day) == text


def test_a_draft_shows_where_its_number_goes(draft):
    assert draft.number == ""
    assert reply_document(draft).number == "东湖街道〔2026〕\u3000号"


def test_approval_numbers_the_reply_from_the_answering_units_own_sequence(
    approved, draft_again, city_leader, org
):
    """机关代字〔年份〕序号号, gap-free per answering unit and year (not the case number)."""
    assert approved.number == "东湖街道〔2026〕1号"
    assert reply_document(approved).number == "东湖街道〔2026〕1号"
    org.d1_street.doc_abbreviation = "升街"
    org.d1_street.save()
    services.approval_decide(
        actor=city_leader, approval=draft_again.approvals.get(), approve=True, on=D(2026, 11, 22)
    )
    draft_again.refresh_from_db()
    assert draft_again.number == "升街〔2026〕2号"
    # The first keeps the number it was issued under.
    approved.refresh_from_db()
    assert reply_document(approved).number == "东湖街道〔2026〕1号"


def test_approved_reply_document(approved, org):
    document = reply_document(approved)

    assert document.title == "信访处理意见书"
    assert document.number == approved.number == "东湖街道〔2026〕1号"
    assert document.addressee == "孙佩华"
    assert "2026年11月20日来访" in document.opening
    assert "升平街3号楼楼道垃圾堆积" in document.opening
    assert "2026年11月20日受理" in document.opening
    assert document.opinion == "支持"
    assert "予以支持" in document.opinion_text
    assert document.review_notice == (
        "如不服本处理意见，可以自收到本意见书之日起30日内向东湖区人民政府请求复查。"
    )
    assert org.d1_street.parent == org.d1  # the answering street office's superior
    assert document.issuing_unit == "东湖街道办事处"  # the full name signs
    assert document.date == D(2026, 11, 22)  # the approval date
    assert document.date_text == "2026年11月22日"
    assert document.seal == "（印章）"
    assert not document.is_draft
    assert [s.heading for s in document.sections] == [
        "一、信访请求",
        "二、事实和理由",
        "三、处理意见",
        "四、法律法规依据",
    ]
    assert document.sections[1].paragraphs == FACTS.split("\n")


def test_docx_content_and_layout(approved):
    content = reply_docx(approved)
    doc = read_docx(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]

    assert texts[0] == "信访处理意见书"
    assert texts[1] == "东湖街道〔2026〕1号"
    assert "孙佩华：" in texts
    for expected in (
        "一、信访请求",
        REQUEST,
        *FACTS.split("\n"),
        "三、处理意见",
        "四、法律法规依据",
        BASIS,
        "如不服本处理意见，可以自收到本意见书之日起30日内向东湖区人民政府请求复查。",
    ):
        assert expected in texts, expected
    assert any("予以支持" in text for text in texts)
    assert texts[-3:] == ["东湖街道办事处", "2026年11月22日", "（印章）"]
    assert "草稿" not in docx_text(content)

    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 28

    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = title.runs
    assert run.font.size == Pt(22) and not run.font.bold
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"

    body = doc.paragraphs[texts.index(REQUEST)]
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28)
    assert fmt.first_line_indent == Pt(32)  # two characters of 16 pt
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    (run,) = body.runs
    assert run.font.size == Pt(16)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"

    heading = doc.paragraphs[texts.index("一、信访请求")]
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    for paragraph in doc.paragraphs[-3:]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_group_petition_is_addressed_to_the_principal_and_the_others(street_handler, frozen_now):
    people = [petitioner(name="陈永福")] + [petitioner("representative") for _ in range(4)]
    case = register_petition(street_handler, petitioners=people, person_count=40).petition.case
    services.case_accept(actor=street_handler, case=case)
    reply = services.reply_draft(
        actor=street_handler,
        case=case,
        request="确认林地出租无效",
        facts_and_reasons="经查……",
        opinion="not_support",
        legal_basis="《农村土地承包法》",
    )
    document = reply_document(reply)
    assert document.addressee == "陈永福等40人"
    assert document.opening.startswith("你们于")
    assert "你们的信访请求" in document.opinion_text and "不予支持" in document.opinion_text


def test_opening_dates_the_petition_in_china_time(street_handler, frozen_now):
    # 07:30 in Shanghai on 1 June is still 31 May in UTC, where the database keeps it.
    early = datetime.datetime(2026, 6, 1, 7, 30, tzinfo=SHANGHAI)
    case = register_petition(street_handler, received_at=early).petition.case
    services.case_accept(actor=street_handler, case=case)
    reply = services.reply_draft(
        actor=street_handler,
        case=case,
        request="r",
        facts_and_reasons="f",
        opinion="support",
        legal_basis="b",
    )
    reply = type(reply).objects.select_related("case", "unit__parent").get(pk=reply.pk)
    assert reply_document(reply).opening.startswith("你于2026年6月1日")


def test_suggestion_gets_the_answer_letter_without_review_notice(handler1, frozen_now):
    case = register_petition(
        handler1,
        matter_kind=MatterKind.SUGGESTION,
        channel="online",
        summary="建议在东湖公园增设无障碍通道",
    ).petition.case
    services.case_accept(actor=handler1, case=case)
    reply = services.reply_draft(
        actor=handler1,
        case=case,
        request="建议在东湖公园各出入口增设无障碍通道。",
        facts_and_reasons="区住建局已将该建议纳入明年公园改造计划。",
        opinion="adopted",
    )
    document = reply_document(reply)
    assert document.title == "信访事项答复意见书"
    assert document.opinion == "采纳"
    assert document.review_notice == ""
    assert "予以采纳" in document.opinion_text
    assert "通过网上信访提出的关于“建议在东湖公园增设无障碍通道”的建议意见收悉" in (
        document.opening
    )
    assert document.issuing_unit == "东湖区信访局"
    texts = paragraph_texts(reply_docx(reply))
    assert texts[0].startswith("信访事项答复意见书")
    assert not any("复查" in text for text in texts)
    assert any("感谢" in text for text in texts)


# --- personal data ------------------------------------------------------------------------


def test_no_id_number_or_phone_in_the_docx_or_the_page(approved, person, client, street_handler):
    client.force_login(street_handler)
    page = client.get(print_url(approved)).content.decode()
    docx = client.get(docx_url(approved)).content
    xml = docx_text(docx)
    assert "孙佩华" in page and "孙佩华" in xml
    for secret in (person.id_number, person.phone, person.id_number[-4:] + "<"):
        assert secret not in page
        assert secret not in xml
    assert person.address not in page and person.address not in xml


# --- the views ----------------------------------------------------------------------------


def test_print_page(approved, client, street_handler, django_assert_max_num_queries):
    client.force_login(street_handler)
    # With the case's units in one query of their own (no shared cache: `core.reference`).
    with django_assert_max_num_queries(11):
        response = client.get(print_url(approved))
    assert response.status_code == 200
    assert response.templates[0].name == "cases/reply_print.html"
    page = response.content.decode()
    for expected in (
        "信访处理意见书",
        "孙佩华：",
        REQUEST,
        BASIS,
        "向东湖区人民政府请求复查",
        "东湖街道办事处",
        "2026年11月22日",
        "（印章）",
        docx_url(approved),
        "data-print",
        "d-print-none",
    ):
        assert expected in page, expected
    assert "草稿" not in page
    assert 'id="reply-draft-alert"' not in page


def test_docx_download(approved, client, street_handler, django_assert_max_num_queries):
    client.force_login(street_handler)
    with django_assert_max_num_queries(12):  # 11, and the download's audit entry
        response = client.get(docx_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    number = approved.case.number
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="reply-{number}.docx"' in disposition
    assert f"filename*=UTF-8''{quote(f'信访处理意见书-{number}.docx')}" in disposition
    assert paragraph_texts(response.content)[0] == "信访处理意见书"


def test_a_leader_sees_the_draft_to_approve(draft, client, city_leader):
    client.force_login(city_leader)
    assert client.get(print_url(draft)).status_code == 200
    assert client.get(docx_url(draft)).status_code == 200


def test_draft_is_marked_in_both_outputs(draft, client, street_handler):
    document = reply_document(draft)
    assert document.is_draft
    assert document.date == D(2026, 11, 21)  # not approved yet: the drafting date

    content = reply_docx(draft)
    doc = read_docx(io.BytesIO(content))
    assert doc.paragraphs[0].text == "信访处理意见书（草稿）"
    header = "".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "草稿" in header and "不得送达" in header

    client.force_login(street_handler)
    page = client.get(print_url(draft)).content.decode()
    assert 'class="official-watermark"' in page
    assert "信访处理意见书（草稿）" in page
    assert 'id="reply-draft-alert"' in page


def test_sent_back_reply_is_still_a_draft(draft, city_leader):
    services.approval_decide(
        actor=city_leader,
        approval=draft.approvals.get(),
        approve=False,
        instruction="补充法律依据",
        on=D(2026, 11, 22),
    )
    draft.refresh_from_db()
    assert reply_document(draft).is_draft


@pytest.mark.parametrize("view", [print_url, docx_url])
def test_outside_scope_is_404(view, approved, client, handler2, outsider):
    for user in (handler2, outsider):
        client.force_login(user)
        assert client.get(view(approved)).status_code == 404


@pytest.mark.parametrize("view", [print_url, docx_url])
def test_reply_of_another_case_is_404(view, approved, street_handler, client, frozen_now):
    other = register_petition(street_handler).petition.case
    client.force_login(street_handler)
    url = view(approved).replace(f"/{approved.case.number}/", f"/{other.number}/")
    assert client.get(url).status_code == 404
    missing = view(approved).replace(f"/{approved.pk}/", f"/{approved.pk + 1000}/")
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("view", [print_url, docx_url])
def test_login_required(view, approved, client):
    response = client.get(view(approved))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_post_is_refused(approved, client, street_handler):
    client.force_login(street_handler)
    assert client.post(print_url(approved)).status_code == 405


def test_the_case_api_links_the_reply_documents_and_they_open_with_the_api_token(
    approved, street_handler, outsider
):
    case = approved.case
    body = token_client(street_handler).get(f"/api/v1/cases/{case.number}/").json()
    (reply,) = body["replies"]
    assert reply["number"] == "东湖街道〔2026〕1号"  # the 发文字号, given on approval
    assert reply["docx_url"] == f"http://testserver{docx_url(approved)}"
    assert reply["print_url"] == f"http://testserver{print_url(approved)}"
    check_token_download(reply["docx_url"], owner=street_handler, outsider=outsider)
    check_token_download(reply["print_url"], owner=street_handler, outsider=outsider, docx=False)
