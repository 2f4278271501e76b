"""Escalation's official documents, laid out by `core.officialdoc`.

Supervision notices: 督办通知书 (an urging notice: 催办通知书) to the unit addressed, naming the
case by its number and summary, the requirements, the response due date and the issuing
unit. Fixed official Chinese text; never a petitioner's ID number or phone.
"""

from __future__ import annotations

from core.officialdoc import OfficialDocument, Section, official_date, paragraphs_of

from ..models import NoticeKind, SupervisionNotice

# --- supervision notices (督办通知书 / 催办通知书) -------------------------------------------

SUPERVISE_TITLE = "督办通知书"
URGE_TITLE = "催办通知书"


def notice_title(notice: SupervisionNotice) -> str:
    return URGE_TITLE if notice.kind == NoticeKind.URGE else SUPERVISE_TITLE


def notice_document(notice: SupervisionNotice) -> OfficialDocument:
    """The notice as an official document (its case, unit and issuing unit loaded, ideally:
    no query then)."""
    case = notice.case
    verb = "催办" if notice.kind == NoticeKind.URGE else "督办"
    issuer = notice.issuing_unit.official_name
    return OfficialDocument(
        title=notice_title(notice),
        number=notice.number,
        addressee=notice.unit.name,
        opening=[
            f"根据《信访工作条例》第四十条规定，现对你单位承办的下列信访事项予以{verb}，"
            "请按要求认真办理，并按期书面报告办理结果。"
        ],
        sections=[
            Section(
                f"一、{verb}事项",
                [f"信访事项编号：{case.number}", f"信访事由摘要：{case.summary}"],
            ),
            Section(f"二、{verb}要求", paragraphs_of(notice.content)),
            Section(
                "三、答复时限",
                [f"请于{official_date(notice.due_on)}前将办理情况和结果书面报告{issuer}。"],
            ),
        ],
        closing=["特此通知。"],
        issuing_unit=issuer,
        date=notice.issued_on,
        name=f"{notice_title(notice)}-{notice.number}.docx",
    )
