"""The written notices (告知书, issue 15 §2): each decision issues its notice in its own
transaction, numbered 机关代字<series>〔year〕n号 per issuing unit, series and year, with the
text of its kind; the .docx read back in the GB/T 9704 layout."""

import io

import pytest
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from cases import services
from cases.models import DeadlineKind, NoticeKind, WrittenNotice
from cases.notices import notice_document, notice_docx
from tests.cases.notice_helpers import (
    ID_NUMBER,
    NAME,
    PHONE,
    D,
    accepted,
    notice_of,
    paragraphs,
    received,
    terminated,
)


@pytest.fixture
def office(org):
    """D1XFJ with its 机关代字."""
    org.d1_office.doc_abbreviation = "东信访"
    org.d1_office.save()
    return org.d1_office


def text_of(notice) -> str:
    document = notice_document(notice)
    return "".join(document.opening + [p for s in document.sections for p in s.paragraphs])


# --- issued by each decision ------------------------------------------------------------------


def test_acceptance_issues_the_acceptance_notice(handler1, office, frozen_now):
    case = accepted(handler1)
    notice = notice_of(case, NoticeKind.ACCEPTANCE)
    acceptance_clock = case.deadlines.get(kind=DeadlineKind.ACCEPTANCE)
    handling = case.deadlines.get(kind=DeadlineKind.HANDLING)

    assert notice.number == "东信访受〔2026〕1号"
    assert notice.unit == office and notice.issued_on == D(2026, 11, 3)
    assert notice.issued_by == handler1
    assert notice.due_on == handling.due_on
    assert notice.deliver_by == acceptance_clock.due_on
    assert notice.title == "信访事项受理告知书"
    text = text_of(notice)
    assert "你于2026年11月2日来访反映的“升平街3号楼楼道垃圾堆积”问题" in text
    assert "本机关已于2026年11月3日依法受理" in text
    assert f"于{handling.due_on.year}年{handling.due_on.month}月{handling.due_on.day}日前" in text


def test_numbers_are_gap_free_per_unit_series_and_year(handler1, city_leader, office, frozen_now):
    first = accepted(handler1)
    second = accepted(handler1)
    third = received(handler1)
    services.case_divert(
        actor=handler1, case=third, channel="litigation", guided_to="东湖区人民法院"
    )
    assert notice_of(first, NoticeKind.ACCEPTANCE).number == "东信访受〔2026〕1号"
    assert notice_of(second, NoticeKind.ACCEPTANCE).number == "东信访受〔2026〕2号"
    # Another kind, its own series.
    assert notice_of(third, NoticeKind.REFUSAL).number == "东信访不受〔2026〕1号"


def test_a_unit_without_abbreviation_numbers_under_its_name(street_handler, frozen_now):
    case = accepted(street_handler)
    assert notice_of(case, NoticeKind.ACCEPTANCE).number == "东湖街道受〔2026〕1号"


def test_forwarding_issues_the_forwarding_notice_from_the_forwarding_unit(
    handler1, office, org, frozen_now
):
    case = received(handler1)
    services.case_forward(actor=handler1, case=case, to_unit=org.d1_business, on=D(2026, 11, 4))
    notice = notice_of(case, NoticeKind.FORWARDED)
    assert notice.number == "东信访转〔2026〕1号"
    assert notice.unit == office and notice.to_unit == org.d1_business
    assert notice.title == "信访事项转送告知书"
    text = text_of(notice)
    assert "本机关已于2026年11月4日将该事项转送东湖区教育局办理" in text
    assert "由东湖区教育局依法办理并向你作出书面答复" in text


def test_assigning_as_the_acceptance_decision_issues_the_assignment_notice_only(
    handler1, street_handler, office, org, frozen_now
):
    case = received(handler1)
    services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_street,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2026, 11, 20),
        on=D(2026, 11, 4),
    )
    (notice,) = WrittenNotice.objects.filter(case=case)
    assert notice.kind == NoticeKind.ASSIGNED
    assert notice.number == "东信访交〔2026〕1号" and notice.to_unit == org.d1_street
    assert "将该事项交办东湖街道办事处办理" in text_of(notice)


def test_assigning_an_accepted_case_issues_no_further_notice(handler1, office, org, frozen_now):
    case = accepted(handler1)
    services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_street,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2026, 11, 20),
        on=D(2026, 11, 4),
    )
    assert list(WrittenNotice.objects.filter(case=case).values_list("kind", flat=True)) == [
        NoticeKind.ACCEPTANCE
    ]


def test_not_accepting_issues_the_refusal_on_the_leaders_approval(
    handler1, city_leader, office, frozen_now
):
    case = received(handler1)
    approval = services.case_propose_not_accept(
        actor=handler1, case=case, reason="outside_remit", text="该事项属于民事纠纷。"
    )
    assert not WrittenNotice.objects.filter(case=case).exists()  # proposed only
    services.approval_decide(actor=city_leader, approval=approval, approve=True)
    notice = notice_of(case, NoticeKind.REFUSAL)
    assert notice.number == "东信访不受〔2026〕1号"
    assert notice.issued_by == city_leader and notice.reason == "outside_remit"
    text = text_of(notice)
    assert "不属于本机关、单位或者本系统职权范围" in text and "第二十三条" in text
    assert "该事项属于民事纠纷。" in text


def test_a_refusal_sent_back_issues_nothing(handler1, city_leader, office, frozen_now):
    case = received(handler1)
    approval = services.case_propose_not_accept(
        actor=handler1, case=case, reason="other", text="理由"
    )
    services.approval_decide(
        actor=city_leader, approval=approval, approve=False, instruction="请再核实"
    )
    assert not WrittenNotice.objects.filter(case=case).exists()


def test_diverting_issues_the_refusal_naming_the_legal_channel(handler1, office, frozen_now):
    case = received(handler1)
    services.case_divert(
        actor=handler1, case=case, channel="reconsideration", guided_to="东湖区人民政府"
    )
    notice = notice_of(case, NoticeKind.REFUSAL)
    assert notice.legal_channel == "reconsideration" and notice.guided_to == "东湖区人民政府"
    text = text_of(notice)
    assert "通过行政复议途径解决" in text and "向东湖区人民政府提出" in text
    assert "第三十一条" in text


def test_the_same_matter_after_termination_gets_the_no_longer_accepted_notice(
    handler1, city_leader, d1_handler, city_handler, person_kept, office, frozen_now
):
    earlier = terminated(handler1, city_leader, d1_handler, city_handler)
    again = received(handler1, D(2026, 11, 20))
    assert again.same_matter_as == earlier
    approval = services.case_propose_not_accept(actor=handler1, case=again, reason="terminated")
    services.approval_decide(actor=city_leader, approval=approval, approve=True)
    notice = notice_of(again, NoticeKind.NO_LONGER_ACCEPTED)
    assert notice.number == "东信访不再受〔2026〕1号"
    assert notice.earlier_case_number == earlier.number
    assert notice.title == "信访事项不再受理告知书"
    text = text_of(notice)
    assert f"原信访事项{earlier.number}" in text and "经复核终结" in text
    assert "第三十六条" in text and "不再受理" in text


@pytest.fixture
def person_kept():
    """(The helpers register every petition by the same person: the same matter is found.)"""


def test_the_extension_approved_issues_the_extension_notice(
    handler1, city_leader, office, frozen_now
):
    case = accepted(handler1)
    handling = case.deadlines.get(kind=DeadlineKind.HANDLING)
    approval = services.case_request_extension(
        actor=handler1, case=case, days=20, reason="需现场勘验并委托鉴定"
    )
    assert not WrittenNotice.objects.filter(case=case, kind=NoticeKind.EXTENSION).exists()
    services.approval_decide(actor=city_leader, approval=approval, approve=True)
    handling.refresh_from_db()
    notice = notice_of(case, NoticeKind.EXTENSION)
    assert notice.number == "东信访延〔2026〕1号"
    assert notice.due_on == handling.due_on and notice.text == "需现场勘验并委托鉴定"
    text = text_of(notice)
    due = handling.due_on
    assert "因需现场勘验并委托鉴定，" in text and "第三十四条" in text
    assert f"办理期限延长至{due.year}年{due.month}月{due.day}日" in text


def test_review_and_rereview_decisions_issue_their_opinions(
    handler1, city_leader, d1_handler, city_handler, office, org, frozen_now
):
    case = terminated(handler1, city_leader, d1_handler, city_handler)
    review = notice_of(case, NoticeKind.REVIEW_OPINION)
    assert review.unit == org.d1 and review.number == "东湖区复查〔2026〕1号"
    assert review.issued_on == D(2026, 11, 9) and review.review.level == "review"
    document = notice_document(review)
    assert document.title == "信访事项复查意见书"
    assert document.issuing_unit == "东湖区人民政府"
    assert "不服东湖区信访局" in document.opening[0]
    assert [s.heading for s in document.sections] == ["一、复查请求", "二、复查意见"]
    assert document.sections[1].paragraphs == ["维持原处理意见。", "原处理意见并无不当。"]
    assert document.closing == [
        "如不服本复查意见，可以自收到本意见书之日起30日内向江城市人民政府请求复核。"
    ]

    rereview = notice_of(case, NoticeKind.REREVIEW_OPINION)
    assert rereview.unit == org.city and rereview.number == "江城市复核〔2026〕1号"
    document = notice_document(rereview)
    assert document.title == "信访事项复核意见书"
    assert document.sections[1].paragraphs == ["变更原处理意见。", "补发工资差额。"]
    assert "不再受理" in document.closing[0]


def test_a_refused_decision_leaves_no_notice_and_no_number(handler1, office, org, frozen_now):
    from core.exceptions import ValidationError

    case = received(handler1)
    with pytest.raises(ValidationError):
        services.case_forward(actor=handler1, case=case, to_unit=org.d1_office)
    assert not WrittenNotice.objects.exists()
    services.case_accept(actor=handler1, case=case)
    assert notice_of(case, NoticeKind.ACCEPTANCE).number == "东信访受〔2026〕1号"


# --- the .docx --------------------------------------------------------------------------------


def test_the_docx_in_the_official_layout(handler1, office, frozen_now):
    case = accepted(handler1)
    content = notice_docx(notice_of(case, NoticeKind.ACCEPTANCE))
    doc = read_docx(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]

    assert texts[0] == "信访事项受理告知书"
    assert texts[1] == "东信访受〔2026〕1号"
    assert f"{NAME}：" in texts
    assert texts[-3:] == ["东湖区信访局", "2026年11月3日", "（印章）"]
    for paragraph in doc.paragraphs[-3:]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT

    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = title.runs
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if "依法受理" in p.text)
    (run,) = body.runs
    assert run.font.size == Pt(16)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"

    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)
    footer = section.footer.paragraphs[0]
    assert "".join(footer._p.xpath(".//w:t/text()")) == "— 1 —"
    assert footer._p.xpath(".//w:fldSimple")[0].get(qn("w:instr")).strip() == "PAGE"

    everything = "".join(paragraphs(content))
    assert ID_NUMBER not in everything and PHONE not in everything
    assert "草稿" not in everything


@pytest.mark.parametrize(
    "kind",
    [NoticeKind.REVIEW_OPINION, NoticeKind.REREVIEW_OPINION],
)
def test_every_review_opinion_lays_out(
    kind, handler1, city_leader, d1_handler, city_handler, office, frozen_now
):
    case = terminated(handler1, city_leader, d1_handler, city_handler)
    content = notice_docx(notice_of(case, kind))
    texts = paragraphs(content)
    assert texts[0] in ("信访事项复查意见书", "信访事项复核意见书")
    assert "一、复查请求" in texts or "一、复核请求" in texts
    assert ID_NUMBER not in "".join(texts) and PHONE not in "".join(texts)


def test_a_group_is_addressed_as_you_all(handler1, office, frozen_now):
    from tests.factories import petitioner

    people = [petitioner(name="陈永福"), petitioner("representative")]
    case = received(handler1, petitioners=people, person_count=30)
    services.case_accept(actor=handler1, case=case)
    document = notice_document(notice_of(case, NoticeKind.ACCEPTANCE))
    assert document.addressee == "陈永福等30人"
    assert document.opening[0].startswith("你们于2026年11月2日来访")
    assert "你们们" not in "".join(document.opening)
