"""The written notices (告知书) to the petitioner in the official layout (`core.officialdoc`):
`notice_document` says what a notice shows, `notice_docx` lays it out as a Word file.

The body is fixed official Chinese text (the notice is issued in Chinese whatever the user's
interface language), in the words of the regulation: Art. 23 (受理, 转送, 交办, and what is
outside the remit), Art. 31 (a matter for a legal channel), Art. 34 (延期), Art. 35–36
(复查, 复核, and no further acceptance after the re-review). It names the petitioner but never
carries an ID number or a phone number.
"""

from __future__ import annotations

from django.utils import timezone

from core.officialdoc import (
    OfficialDocument,
    Section,
    official_date,
    officialdoc_docx,
    paragraphs_of,
)

from .documents import CHANNEL_VERBS, addressee_of, first_petition
from .models import (
    DeadlineKind,
    LegalChannel,
    NotAcceptReason,
    NoticeKind,
    ReviewDecision,
    WrittenNotice,
)
from .selectors import deadline_rule_for

__all__ = ["notice_document", "notice_docx"]

# Why a matter is not accepted, in the words of the regulation.
REASON_TEXTS = {
    NotAcceptReason.OUTSIDE_REMIT: (
        "经审查，你反映的事项不属于本机关、单位或者本系统职权范围，依照《信访工作条例》"
        "第二十三条规定，不予受理。请你向有权处理的机关、单位提出。"
    ),
    NotAcceptReason.ACCEPTED_BELOW: (
        "经审查，你反映的事项已由下级机关、单位受理，且仍在法定办理期限内，本机关不予受理。"
        "请你等待受理机关、单位的书面答复。"
    ),
    NotAcceptReason.OTHER: "经审查，你反映的事项不符合受理条件，本机关不予受理。",
}
CHANNEL_NAMES = {
    LegalChannel.LITIGATION: "诉讼",
    LegalChannel.ARBITRATION: "仲裁",
    LegalChannel.RECONSIDERATION: "行政复议",
}
DECISION_TEXTS = {
    ReviewDecision.UPHOLD: "维持原处理意见。",
    ReviewDecision.CHANGE: "变更原处理意见。",
    ReviewDecision.REVOKE: "撤销原处理意见。",
}


def _came(notice: WrittenNotice, you: str, petition) -> str:
    """你于2026年11月2日来访反映的“…”问题."""
    case = notice.case
    if petition is None:
        return f"{you}反映的“{case.summary}”问题"
    received = official_date(timezone.localdate(petition.received_at))
    verb = CHANNEL_VERBS.get(petition.channel, "")
    return f"{you}于{received}{verb}反映的“{case.summary}”问题"


def _unit_name(unit) -> str:
    return unit.official_name if unit is not None else ""


def _body(notice: WrittenNotice, you: str, came: str) -> tuple[list[str], list[Section], list[str]]:
    """(opening paragraphs, sections, closing paragraphs) of `notice`'s kind."""
    case = notice.case
    issued = official_date(notice.issued_on)
    kind = notice.kind
    if kind == NoticeKind.ACCEPTANCE:
        procedure = "简易程序" if case.simplified else "普通程序"
        due = f"，并于{official_date(notice.due_on)}前" if notice.due_on else "，并"
        return (
            [
                f"{came}，本机关已于{issued}依法受理。",
                f"依照《信访工作条例》第二十三条规定，现告知如下：本机关将按照{procedure}"
                f"依法办理{due}向{you}出具书面处理意见。",
            ],
            [],
            ["特此告知。"],
        )
    if kind == NoticeKind.REFUSAL:
        if notice.legal_channel:
            channel = CHANNEL_NAMES.get(notice.legal_channel, "")
            where = f"向{notice.guided_to}" if notice.guided_to else "向有关机关"
            text = (
                f"经审查，你反映的事项属于依法应当通过{channel}途径解决的事项，依照《信访工作条例》"
                f"第三十一条规定，本机关不作为信访事项受理。请你依照有关法律、行政法规规定的程序"
                f"{where}提出。"
            )
        else:
            text = REASON_TEXTS.get(notice.reason, REASON_TEXTS[NotAcceptReason.OTHER])
        paragraphs = [f"{came}收悉。", text, *paragraphs_of(notice.text)]
        return paragraphs, [], ["特此告知。"]
    if kind == NoticeKind.NO_LONGER_ACCEPTED:
        earlier = notice.earlier_case_number
        if notice.reason == NotAcceptReason.NOT_REVIEWED_IN_TIME:
            ended = f"该事项已于信访事项{earlier}中作出书面答复，你未在规定期限内请求复查"
        else:
            ended = f"该事项已于信访事项{earlier}中经复核终结"
        return (
            [
                f"{came}收悉。",
                f"经审查，你反映的事项与原信访事项{earlier}系同一事实和理由。{ended}。"
                "依照《信访工作条例》第三十六条规定，各级党委和政府信访部门和其他机关、单位不再受理。",
            ],
            [],
            ["特此告知。"],
        )
    if kind in (NoticeKind.FORWARDED, NoticeKind.ASSIGNED):
        to = _unit_name(notice.to_unit)
        verb = "转送" if kind == NoticeKind.FORWARDED else "交办"
        return (
            [
                f"{came}收悉。",
                f"经审查，该事项属于{to}职权范围。依照《信访工作条例》第二十三条规定，本机关已于"
                f"{issued}将该事项{verb}{to}办理，由{to}依法办理并向{you}作出书面答复。",
            ],
            [],
            ["特此告知。"],
        )
    if kind == NoticeKind.EXTENSION:
        accepted = f"，本机关已于{official_date(case.accepted_on)}受理" if case.accepted_on else ""
        reason = "；".join(paragraphs_of(notice.text)).rstrip("。")
        due = official_date(notice.due_on) if notice.due_on else ""
        return (
            [
                f"{came}{accepted}。",
                f"因{reason}，该事项不能在规定期限内办结。经本机关负责人批准，依照《信访工作条例》"
                f"第三十四条规定，办理期限延长至{due}。",
            ],
            [],
            ["特此告知。"],
        )
    return _review_body(notice, you)


def _review_body(notice: WrittenNotice, you: str) -> tuple[list[str], list[Section], list[str]]:
    """复查意见书 / 复核意见书: the request, the opinion, and what the petitioner may do next."""
    review = notice.review
    assert review is not None  # a review opinion names its review
    case = notice.case
    requested = official_date(review.requested_on)
    if notice.kind == NoticeKind.REVIEW_OPINION:
        answered_by = _unit_name(case.answering_unit) or "原办理机关、单位"
        opening = (
            f"{you}不服{answered_by}对“{case.summary}”问题作出的信访处理意见，于{requested}"
            "向本机关请求复查。本机关依照《信访工作条例》第三十五条规定进行了复查，现提出复查意见如下："
        )
        headings = ("一、复查请求", "二、复查意见")
        superior = review.unit.parent
        days = deadline_rule_for(DeadlineKind.REREVIEW_REQUEST, review.unit, notice.issued_on).days
        where = superior.official_name if superior is not None else "上一级机关、单位"
        closing = f"如不服本复查意见，可以自收到本意见书之日起{days}日内向{where}请求复核。"
    else:
        opening = (
            f"{you}不服复查意见，于{requested}就“{case.summary}”问题向本机关请求复核。本机关依照"
            "《信访工作条例》第三十六条规定进行了复核，现提出复核意见如下："
        )
        headings = ("一、复核请求", "二、复核意见")
        closing = (
            "本复核意见为该信访事项的最终处理意见。如对本复核意见不服，仍然以同一事实和理由"
            "提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。"
        )
    opinion = [DECISION_TEXTS.get(review.decision, ""), *paragraphs_of(review.opinion)]
    sections = [
        Section(headings[0], paragraphs_of(review.request)),
        Section(headings[1], [text for text in opinion if text]),
    ]
    return [opening], sections, [closing]


def notice_document(notice: WrittenNotice) -> OfficialDocument:
    """What `notice` shows (its case, issuing and target units loaded, ideally; two or
    three queries more: the first petition and its parties, a review window's rule)."""
    petition = first_petition(notice.case)
    addressee, you = addressee_of(petition)
    opening, sections, closing = _body(notice, you, _came(notice, you, petition))
    if you == "你们":
        opening = [text.replace("你", "你们").replace("你们们", "你们") for text in opening]
    return OfficialDocument(
        title=notice.title,
        number=notice.number,
        addressee=addressee,
        opening=opening,
        sections=sections,
        closing=closing,
        issuing_unit=notice.unit.official_name,
        date=notice.issued_on,
        name=f"{notice.title}-{notice.number}.docx",
    )


def notice_docx(notice: WrittenNotice) -> bytes:
    """`notice` as a .docx in the official layout (GB/T 9704-2012)."""
    return officialdoc_docx(notice_document(notice))
