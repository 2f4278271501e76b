"""The written answer to the petitioner in the official layout: 信访处理意见书 (Art. 31–32) for
complaints, requests and accusations, 信访事项答复意见书 for suggestions (Art. 29).

`reply_document` gathers everything the document shows once; the print page and
`reply_docx` only lay it out. The body is fixed official Chinese text: the document is
issued in Chinese whatever the user's interface language. It names the petitioner but
never carries an ID number or a phone number.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils import timezone
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from .models import Case, DeadlineKind, MatterKind, Opinion, Reply, ReplyStatus
from .selectors import deadline_rule_for

COMPLAINT_TITLE = "信访处理意见书"
SUGGESTION_TITLE = "信访事项答复意见书"
SEAL = "（印章）"
DRAFT_MARK = "草稿"
DRAFT_NOTICE = "草稿：未经领导审批，不得送达信访人"

# How the petition came in, as the opening sentence says it ("你于…来访反映的…").
CHANNEL_VERBS = {"visit": "来访", "letter": "来信", "online": "通过网上信访", "phone": "来电"}
# The principal petitioner of a petition (petitions.models.PetitionerRole.PRINCIPAL; cases
# does not import petitions).
PRINCIPAL = "principal"

# The opinion in the words of Art. 32 (complaints, accusations) and Art. 29 (suggestions).
OPINION_LABELS = {
    Opinion.SUPPORT: "支持",
    Opinion.EXPLAIN: "解释说明",
    Opinion.NOT_SUPPORT: "不予支持",
}
OPINION_TEXTS = {
    Opinion.SUPPORT: "你的信访请求事实清楚，符合法律、法规、规章或者其他有关规定，予以支持。",
    Opinion.EXPLAIN: "你的信访请求事由合理但缺乏法律依据，特作如上解释说明。",
    Opinion.NOT_SUPPORT: (
        "你的信访请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，不予支持。"
    ),
}
SUGGESTION_OPINION_TEXTS = {
    Opinion.SUPPORT: "经研究论证，你提出的建议意见科学合理、具有现实可行性，予以采纳。",
    Opinion.EXPLAIN: "经研究论证，对你提出的建议意见作如上解释说明。",
    Opinion.NOT_SUPPORT: "经研究论证，你提出的建议意见暂不具备采纳条件，暂不采纳。",
}

CHINESE_DIGITS = "〇一二三四五六七八九"
NUMBER_PATTERN = re.compile(r"-(\d{4})-0*(\d+)$")


def chinese_numeral(value: int) -> str:
    """1–31 as written in a date: 一, 十, 十一, 二十, 二十二, 三十一."""
    tens, ones = divmod(value, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def chinese_date(day: datetime.date) -> str:
    """The date under the issuing unit: 二〇二六年十一月二十二日."""
    year = "".join(CHINESE_DIGITS[int(digit)] for digit in str(day.year))
    return f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"


def arabic_date(day: datetime.date) -> str:
    """A date in the body text: 2026年11月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(case: Case, day: datetime.date) -> str:
    """〔2026〕第12号 from a case number `<unit>-2026-000012`; a number of another form is
    kept whole, with the year of the document."""
    match = NUMBER_PATTERN.search(case.number)
    if match:
        return f"〔{match.group(1)}〕第{match.group(2)}号"
    return f"〔{day.year}〕第{case.number}号"


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class ReplyDocument:
    """Everything the reply document shows, in order."""

    title: str
    number: str
    addressee: str
    opening: str
    request: str
    facts_and_reasons: str
    opinion: str  # 支持 / 解释说明 / 不予支持, empty for a suggestion answered without one
    opinion_text: str
    legal_basis: str
    review_notice: str  # empty for suggestions
    closing: str
    issuing_unit: str
    date: datetime.date
    date_text: str
    seal: str
    is_draft: bool
    case_number: str
    sections: list[Section] = field(default_factory=list)

    draft_mark: str = DRAFT_MARK
    draft_notice: str = DRAFT_NOTICE

    @property
    def filename(self) -> str:
        return f"{self.title}-{self.case_number}.docx"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _first_petition(case: Case):
    """The first petition of the case with its parties (two queries)."""
    return case.petitions.order_by("received_at", "pk").prefetch_related("parties").first()


def _addressee(petition) -> tuple[str, str]:
    """(salutation name, "你" or "你们"): the principal petitioner, "等N人" for several."""
    if petition is None:
        return "信访人", "你"
    parties = list(petition.parties.all())
    principal = next((p for p in parties if p.role == PRINCIPAL), parties[0] if parties else None)
    name = principal.name if principal else "信访人"
    if petition.person_count > 1:
        return f"{name}等{petition.person_count}人", "你们"
    return name, "你"


def _review_notice(reply: Reply, day: datetime.date) -> str:
    """Art. 35: where and within how many days the petitioner may ask for a review: the
    superior of the answering unit (as `services.superior_unit` finds it), under the
    window rule in force for that unit on the document's date."""
    superior = reply.unit.parent
    days = deadline_rule_for(DeadlineKind.REVIEW_REQUEST, reply.unit, day).days
    where = superior.name if superior is not None else "上一级机关、单位"
    return f"如不服本处理意见，可以自收到本意见书之日起{days}日内向{where}请求复查。"


def reply_document(reply: Reply) -> ReplyDocument:
    """The document of `reply` (its case and answering unit with its parent loaded, ideally;
    three or four queries: the first petition and its parties, the review window rule)."""
    case = reply.case
    suggestion = case.matter_kind == MatterKind.SUGGESTION
    is_draft = reply.status in (ReplyStatus.PENDING_APPROVAL, ReplyStatus.SENT_BACK)
    day = reply.approved_on or reply.drafted_on
    petition = _first_petition(case)
    addressee, you = _addressee(petition)

    if petition is not None:
        came = (
            f"{you}于{arabic_date(timezone.localdate(petition.received_at))}"
            + CHANNEL_VERBS.get(petition.channel, "")
        )
    else:
        came = you
    if suggestion:
        opening = f"{came}提出的关于“{case.summary}”的建议意见收悉。经认真研究，现答复如下："
    else:
        accepted = f"，本机关已于{arabic_date(case.accepted_on)}受理" if case.accepted_on else ""
        opening = f"{came}反映的“{case.summary}”问题{accepted}。经调查核实，现提出处理意见如下："

    opinion = OPINION_LABELS.get(reply.opinion, "")
    texts = SUGGESTION_OPINION_TEXTS if suggestion else OPINION_TEXTS
    opinion_text = texts.get(reply.opinion, "")
    if you == "你们":
        opinion_text = opinion_text.replace("你", "你们")
    review_notice = "" if suggestion else _review_notice(reply, day)
    closing = f"感谢{you}对我们工作的关心和支持。" if suggestion else ""

    headings = (
        ("建议意见", "研究办理情况", "答复意见", "依据")
        if suggestion
        else ("信访请求", "事实和理由", "处理意见", "法律法规依据")
    )
    numerals = "一二三四"
    contents = [
        _paragraphs(reply.request),
        _paragraphs(reply.facts_and_reasons),
        [opinion_text] if opinion_text else [],
        _paragraphs(reply.legal_basis),
    ]
    sections = []
    for heading, paragraphs in zip(headings, contents, strict=True):
        if paragraphs:
            sections.append(Section(f"{numerals[len(sections)]}、{heading}", paragraphs))

    return ReplyDocument(
        title=SUGGESTION_TITLE if suggestion else COMPLAINT_TITLE,
        number=document_number(case, day),
        addressee=addressee,
        opening=opening,
        request=reply.request,
        facts_and_reasons=reply.facts_and_reasons,
        opinion=opinion,
        opinion_text=opinion_text,
        legal_basis=reply.legal_basis,
        review_notice=review_notice,
        closing=closing,
        issuing_unit=reply.unit.name,
        date=day,
        date_text=chinese_date(day),
        seal=SEAL,
        is_draft=is_draft,
        case_number=case.number,
        sections=sections,
    )


# --- .docx in the official layout (GB/T 9704 style) -------------------------------------

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
    """Set a run's font for Latin and East Asian text alike: python-docx's `font.name` sets
    only the Latin slots, so Chinese would fall back to the theme font without w:eastAsia."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _title_font(run, color: RGBColor | None = None) -> None:
    """方正小标宋简体 for the Chinese title; 宋体 in the Latin slots, which is also what
    renders digits and brackets where the 方正 font is not installed."""
    _font(run, TITLE_FONT, TITLE_SIZE, bold=True, color=color)
    fonts = run._element.rPr.rFonts
    fonts.set(qn("w:ascii"), TITLE_FALLBACK)
    fonts.set(qn("w:hAnsi"), TITLE_FALLBACK)


def _layout(paragraph: Paragraph, *, align=None, indent: bool = False):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        # Two characters: firstLineChars is what Word and WPS honour, firstLine the fallback.
        fmt.first_line_indent = BODY_SIZE * 2
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _body(doc, text: str, *, font: str = BODY_FONT, align=None, indent: bool = True):
    paragraph = doc.add_paragraph()
    _layout(paragraph, align=align, indent=indent)
    _font(paragraph.add_run(text), font, BODY_SIZE)
    return paragraph


def reply_docx(reply: Reply) -> bytes:
    """The reply as a Word document (see `docx_bytes`)."""
    return docx_bytes(reply_document(reply))


def docx_bytes(content: ReplyDocument) -> bytes:
    """A reply document as .docx: A4, title in 小标宋 22 pt bold centred, body in
    仿宋_GB2312 16 pt on a 28 pt line with a two-character first-line indent, headings in
    黑体, the issuing unit and date right-aligned; a draft says so in its header and title."""
    doc = new_docx()
    section = doc.sections[0]
    # A4 exactly as Word stores it (11906 × 16838 twips).
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    if content.is_draft:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(header.add_run(DRAFT_NOTICE), HEADING_FONT, Pt(12), bold=True, color=RED)

    title = doc.add_paragraph()
    _layout(title, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(40)
    _title_font(title.add_run(content.title))
    if content.is_draft:
        _title_font(title.add_run(f"（{DRAFT_MARK}）"), color=RED)

    _body(doc, content.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _body(doc, "", indent=False)
    _body(doc, f"{content.addressee}：", indent=False)
    _body(doc, content.opening)
    for part in content.sections:
        _body(doc, part.heading, font=HEADING_FONT)
        for text in part.paragraphs:
            _body(doc, text)
    for text in (content.review_notice, content.closing):
        if text:
            _body(doc, text)

    _body(doc, "", indent=False)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for text in (content.issuing_unit, content.date_text, content.seal):
        _body(doc, text, align=right, indent=False).paragraph_format.right_indent = BODY_SIZE * 2

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
