"""The written answer to the petitioner in the official layout: 信访处理意见书 (Art. 31–32) for
complaints, requests and accusations, 信访事项答复意见书 for suggestions (Art. 29).

`reply_document` gathers everything the document shows once; the print page and
`reply_docx` only lay it out. The body is fixed official Chinese text: the document is
issued in Chinese whatever the user's interface language. It names the petitioner but
never carries an ID number or a phone number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.numbering import document_prefix
from core.officialdoc import (
    DRAFT_MARK,
    SEAL,
    OfficialDocument,
    Section,
    official_date,
    officialdoc_docx,
    paragraphs_of,
)

from .models import Case, DeadlineKind, MatterKind, Opinion, Reply, ReplyStatus
from .selectors import deadline_rule_for

__all__ = [
    "ReplyDocument",
    "Section",
    "addressee_of",
    "document_number",
    "docx_bytes",
    "first_petition",
    "official_date",
    "reply_document",
    "reply_docx",
    "reply_title",
]

COMPLAINT_TITLE = "信访处理意见书"
SUGGESTION_TITLE = "信访事项答复意见书"
DRAFT_NOTICE = "草稿：未经领导审批，不得送达信访人"

# How the petition came in, as the opening sentence says it ("你于…来访反映的…").
CHANNEL_VERBS = {"visit": "来访", "letter": "来信", "online": "通过网上信访", "phone": "来电"}
# The principal petitioner of a petition (petitions.models.PetitionerRole.PRINCIPAL; cases
# does not import petitions).
PRINCIPAL = "principal"

# The opinion in the words of Art. 32 (complaints, accusations) and the decision in those of
# Art. 29 (suggestions).
OPINION_LABELS = {
    Opinion.SUPPORT: "支持",
    Opinion.EXPLAIN: "解释说明",
    Opinion.NOT_SUPPORT: "不予支持",
    Opinion.ADOPTED: "采纳",
    Opinion.PARTLY_ADOPTED: "部分采纳",
    Opinion.NOT_ADOPTED: "暂不采纳",
}
OPINION_TEXTS = {
    Opinion.SUPPORT: "你的信访请求事实清楚，符合法律、法规、规章或者其他有关规定，予以支持。",
    Opinion.EXPLAIN: "你的信访请求事由合理但缺乏法律依据，特作如上解释说明。",
    Opinion.NOT_SUPPORT: (
        "你的信访请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，不予支持。"
    ),
}
SUGGESTION_OPINION_TEXTS = {
    Opinion.ADOPTED: "经研究论证，你提出的建议意见科学合理、具有现实可行性，予以采纳。",
    Opinion.PARTLY_ADOPTED: (
        "经研究论证，你提出的建议意见部分科学合理、具有现实可行性，对其中可行部分予以采纳，"
        "其余部分作如上说明。"
    ),
    Opinion.NOT_ADOPTED: "经研究论证，你提出的建议意见暂不具备采纳条件，暂不采纳。",
    # Replies drafted before the decisions existed took a complaint's opinion.
    Opinion.SUPPORT: "经研究论证，你提出的建议意见科学合理、具有现实可行性，予以采纳。",
    Opinion.EXPLAIN: "经研究论证，对你提出的建议意见作如上解释说明。",
    Opinion.NOT_SUPPORT: "经研究论证，你提出的建议意见暂不具备采纳条件，暂不采纳。",
}

# Where a draft's serial number will go (a full-width space).
UNNUMBERED = "\u3000"


def document_number(reply: Reply, day: datetime.date) -> str:
    """The reply's 发文字号, 江信访〔2026〕5号: given on approval from the answering unit's own
    sequence (`accounts.numbering`). A draft, not numbered yet, shows where the number goes:
    江信访〔2026〕　号."""
    if reply.number:
        return reply.number
    return f"{document_prefix(reply.unit)}〔{day.year}〕{UNNUMBERED}号"


@dataclass(frozen=True)
class ReplyDocument:
    """Everything the reply document shows, in order."""

    title: str
    number: str
    addressee: str
    opening: str
    request: str
    facts_and_reasons: str
    opinion: str  # 支持 / 解释说明 / 不予支持; 采纳 / 部分采纳 / 暂不采纳 for a suggestion
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

    def official(self) -> OfficialDocument:
        """The reply as a generic official document (what `docx_bytes` lays out)."""
        return OfficialDocument(
            title=self.title,
            number=self.number,
            addressee=self.addressee,
            opening=[self.opening],
            sections=self.sections,
            closing=[text for text in (self.review_notice, self.closing) if text],
            issuing_unit=self.issuing_unit,
            date=self.date,
            is_draft=self.is_draft,
            seal=self.seal,
            draft_mark=self.draft_mark,
            draft_notice=self.draft_notice,
            name=self.filename,
        )


def first_petition(case: Case):
    """The first petition of the case with its parties (two queries)."""
    return case.petitions.order_by("received_at", "pk").prefetch_related("parties").first()


def addressee_of(petition) -> tuple[str, str]:
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
    where = superior.official_name if superior is not None else "上一级机关、单位"
    return f"如不服本处理意见，可以自收到本意见书之日起{days}日内向{where}请求复查。"


def reply_document(reply: Reply) -> ReplyDocument:
    """The document of `reply` (its case and answering unit with its parent loaded, ideally;
    three or four queries: the first petition and its parties, the review window rule)."""
    case = reply.case
    suggestion = case.matter_kind == MatterKind.SUGGESTION
    is_draft = reply.status in (ReplyStatus.PENDING_APPROVAL, ReplyStatus.SENT_BACK)
    day = reply.approved_on or reply.drafted_on
    petition = first_petition(case)
    addressee, you = addressee_of(petition)

    if petition is not None:
        came = (
            f"{you}于{official_date(timezone.localdate(petition.received_at))}"
            + CHANNEL_VERBS.get(petition.channel, "")
        )
    else:
        came = you
    if suggestion:
        opening = f"{came}提出的关于“{case.summary}”的建议意见收悉。经认真研究，现答复如下："
    else:
        accepted = f"，本机关已于{official_date(case.accepted_on)}受理" if case.accepted_on else ""
        opening = f"{came}反映的“{case.summary}”问题{accepted}。经调查核实，现提出处理意见如下："

    opinion = OPINION_LABELS.get(reply.opinion, "")
    texts = SUGGESTION_OPINION_TEXTS if suggestion else OPINION_TEXTS
    opinion_text = texts.get(reply.opinion, "")
    if you == "你们":
        opinion_text = opinion_text.replace("你", "你们")
    review_notice = "" if suggestion else _review_notice(reply, day)
    closing = f"感谢{you}对我们工作的关心和支持。" if suggestion else ""

    headings = (
        ("建议意见", "研究论证情况", "答复意见", "依据")
        if suggestion
        else ("信访请求", "事实和理由", "处理意见", "法律法规依据")
    )
    numerals = "一二三四"
    contents = [
        paragraphs_of(reply.request),
        paragraphs_of(reply.facts_and_reasons),
        [opinion_text] if opinion_text else [],
        paragraphs_of(reply.legal_basis),
    ]
    sections = []
    for heading, paragraphs in zip(headings, contents, strict=True):
        if paragraphs:
            sections.append(Section(f"{numerals[len(sections)]}、{heading}", paragraphs))

    return ReplyDocument(
        title=reply_title(reply),
        number=document_number(reply, day),
        addressee=addressee,
        opening=opening,
        request=reply.request,
        facts_and_reasons=reply.facts_and_reasons,
        opinion=opinion,
        opinion_text=opinion_text,
        legal_basis=reply.legal_basis,
        review_notice=review_notice,
        closing=closing,
        issuing_unit=reply.unit.official_name,
        date=day,
        date_text=official_date(day),
        seal=SEAL,
        is_draft=is_draft,
        case_number=case.number,
        sections=sections,
    )


def reply_title(reply: Reply) -> str:
    """The title the reply's document bears (no query: its case loaded)."""
    suggestion = reply.case.matter_kind == MatterKind.SUGGESTION
    return SUGGESTION_TITLE if suggestion else COMPLAINT_TITLE


def reply_docx(reply: Reply) -> bytes:
    """The reply as a Word document (see `docx_bytes`)."""
    return docx_bytes(reply_document(reply))


def docx_bytes(content: ReplyDocument) -> bytes:
    """A reply document as .docx in the official layout (`core.officialdoc`); a draft says
    so in its header and title."""
    return officialdoc_docx(content.official())
