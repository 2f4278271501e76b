"""The assignment sheet (信访积案化解交办单) of a backlog case, to the lead unit: the case, the
four fixes and the sponsor (四定一包) and what is asked of the unit; a
`core.officialdoc.OfficialDocument`, printed as an A4 page or downloaded as .docx.

Fixed official Chinese whatever the interface language; free text is masked again (no ID or
phone number on paper)."""

from __future__ import annotations

from django.utils import timezone

from core.identity import mask_personal_data
from core.officialdoc import OfficialDocument, Section, official_date, paragraphs_of

from ..models import BacklogEntry


def _clause(text: str) -> str:
    """Free text as a clause: masked, on one line, its final stop dropped."""
    return "；".join(paragraphs_of(mask_personal_data(text))).rstrip("。；;.，,")


def assignment_sheet(entry: BacklogEntry) -> OfficialDocument:
    """交办单 of `entry` (read with its case, units and people, `entry_detail`)."""
    case = entry.case
    received = official_date(timezone.localtime(case.received_at).date())
    facts = [
        f"信访事项编号：{case.number}；事项摘要：{_clause(case.summary)}。",
        f"首次信访时间：{received}；累计信访{case.petition_count}次；承办单位：{case.owner_unit.name}。",
    ]
    if getattr(entry, "group", False):
        facts.append("该事项系群体性信访事项。")
    if entry.candidate:
        facts.append("该事项符合信访积案认定条件（办理超过六个月或两年内信访三次以上）。")
    if entry.reason:
        facts.append(f"列入积案台账的理由：{_clause(entry.reason)}。")
    leader = entry.sponsoring_leader
    fixes = [
        f"（一）定领导：{leader.display_name if leader else '待明确'}同志包案。",
        f"（二）定人员：{entry.lead_unit.name}牵头，责任人员{_clause(entry.responsible_persons)}。",
        f"（三）定方案：{_clause(entry.plan)}。",
        f"（四）定时限：请于{official_date(entry.due_on)}前化解。",
    ]
    if entry.extended_on is not None:
        fixes.append(
            f"该时限已于{official_date(entry.extended_on)}延长至{official_date(entry.due_on)}"
            f"（原时限{official_date(entry.original_due_on)}），理由：{_clause(entry.extension_reason)}。"
        )
    return OfficialDocument(
        title="信访积案化解交办单",
        number=entry.number,
        addressee=entry.lead_unit.name,
        opening=[
            f"经研究，将信访事项{case.number}列入信访积案台账，实行“四定一包”，"
            f"由你单位牵头化解。现交办如下："
        ],
        sections=[
            Section("一、基本情况", facts),
            Section("二、“四定一包”", fixes),
            Section(
                "三、工作要求",
                [
                    "请包案领导亲自研究、亲自协调，责任人员具体落实，做到交必办、办必果、果必报。",
                    "请定期在积案台账中报告化解进展，化解（息访息诉、依法终结）后书面报告结果。"
                    "逾期未化解的，将报上级督办。",
                ],
            ),
        ],
        issuing_unit=entry.placing_unit.official_name,
        date=entry.placed_on,
        name=f"积案交办单-{entry.number}.docx",
    )
