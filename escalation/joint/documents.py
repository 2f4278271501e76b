"""The three documents of a five-party joint supervision, sent to all five units: the
assignment letter (交办函), the summary of the matter (信访事由摘要) and the
responsibility-sharing table (责任分摊表). Each is a `core.officialdoc.OfficialDocument`,
laid out as a print page and a .docx by that module.

The text is fixed official Chinese (a document is issued in Chinese whatever the interface
language). The summary may name the petitioner but never carries an ID number or a phone
number: free text is masked again here, whatever the opener typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from core.identity import mask_personal_data
from core.officialdoc import OfficialDocument, Section, Table, official_date, paragraphs_of

from ..models import JointParty, JointSupervision, PartyRole

# The duty of each party in the words of the issue (DESIGN §3).
DUTIES = {
    PartyRole.TRACKING: "跟踪督办",
    PartyRole.BUSINESS: "调解裁决",
    PartyRole.STABILITY: "适时稳控",
    PartyRole.JUDICIAL: "法律援助",
    PartyRole.DISCIPLINE: "审计查处",
}
PARTY_NAMES = {
    PartyRole.TRACKING: "信访部门",
    PartyRole.BUSINESS: "业务主管部门",
    PartyRole.STABILITY: "综治维稳部门",
    PartyRole.JUDICIAL: "司法部门",
    PartyRole.DISCIPLINE: "纪检监察部门",
}
CHANNEL_NAMES = {"visit": "来访", "letter": "来信", "online": "网上信访", "phone": "来电"}
MATTER_KINDS = {"suggestion": "建议意见类", "accusation": "检举控告类", "complaint": "申诉求决类"}
ORDINALS = "一二三四五六七八九十"
PRINCIPAL = "principal"


def _sentence(text: str) -> str:
    """Free text as a clause of a sentence: masked, on one line, its final stop dropped."""
    return "；".join(paragraphs_of(mask_personal_data(text))).rstrip("。；;.，,")


def _parties(supervision: JointSupervision) -> list[JointParty]:
    return list(supervision.parties.all())


def _addressees(parties: list[JointParty]) -> str:
    return "、".join(party.unit.name for party in parties)


def _case_line(supervision: JointSupervision) -> str:
    case = supervision.case
    return f"信访事项{case.number}（{mask_personal_data(case.summary)}）"


def assignment_letter(supervision: JointSupervision) -> OfficialDocument:
    """交办函: to the five units, what each is to do by when."""
    parties = _parties(supervision)
    tasks = [
        f"（{ORDINALS[index]}）{party.unit.name}（{PARTY_NAMES[party.role]}，"
        f"负责{DUTIES[party.role]}）：{_sentence(party.task)}，"
        f"请于{official_date(party.due_on)}前完成，并书面报告办理结果。"
        for index, party in enumerate(parties)
    ]
    tracking = next((p.unit.name for p in parties if p.role == PartyRole.TRACKING), "")
    return OfficialDocument(
        title="信访事项联合督办交办函",
        number=supervision.number,
        addressee=_addressees(parties),
        opening=[
            f"{_case_line(supervision)}情况复杂，涉及多个部门职责。经研究，决定对该事项实行"
            f"五方联合督办。现将有关事项交办如下，请按照职责分工抓好落实。"
        ],
        sections=[
            Section("一、督办任务", tasks),
            Section(
                "二、工作要求",
                [
                    "各责任单位要高度重视，明确专人负责，做到交必办、办必果、果必报。",
                    f"办理过程中的重要情况及时报告{tracking or '联合督办牵头单位'}；"
                    "任务完成后向其书面报告办理结果。逾期未完成的，将予以督办通报。",
                ],
            ),
        ],
        closing=["附件：1.信访事由摘要", "\u3000\u3000\u30002.责任分摊表"],
        issuing_unit=supervision.opening_unit.official_name,
        date=supervision.opened_on,
        name=f"交办函-{supervision.number}.docx",
    )


def _petitioner_line(supervision: JointSupervision) -> str:
    petition = (
        supervision.case.petitions.order_by("received_at", "pk").prefetch_related("parties").first()
    )
    if petition is None:
        return ""
    people = list(petition.parties.all())
    principal = next((p for p in people if p.role == PRINCIPAL), people[0] if people else None)
    if principal is None:
        return ""
    if petition.person_count > 1:
        return f"信访人：{principal.name}等{petition.person_count}人。"
    return f"信访人：{principal.name}。"


def matter_summary(supervision: JointSupervision) -> OfficialDocument:
    """信访事由摘要: the matter in brief and who supervises it (no ID or phone numbers)."""
    case = supervision.case
    parties = _parties(supervision)
    petition = case.petitions.order_by("received_at", "pk").first()
    facts = [f"信访事项编号：{case.number}。"]
    if petition is not None:
        received = official_date(timezone.localdate(petition.received_at))
        facts.append(
            f"登记时间：{received}；信访形式：{CHANNEL_NAMES.get(petition.channel, '')}；"
            f"事项类别：{MATTER_KINDS.get(case.matter_kind, '')}。"
        )
    person = _petitioner_line(supervision)
    if person:
        facts.append(person)
    facts.append(f"承办单位：{case.owner_unit.name}。")
    return OfficialDocument(
        title="信访事由摘要",
        number=supervision.number,
        addressee=_addressees(parties),
        opening=[],
        sections=[
            Section("一、基本情况", facts),
            Section("二、信访事由", paragraphs_of(mask_personal_data(supervision.summary))),
            Section(
                "三、联合督办单位",
                [
                    f"{party.unit.name}：{DUTIES[party.role]}，{official_date(party.due_on)}前完成。"
                    for party in parties
                ],
            ),
        ],
        issuing_unit=supervision.opening_unit.official_name,
        date=supervision.opened_on,
        name=f"信访事由摘要-{supervision.number}.docx",
    )


def responsibility_table(supervision: JointSupervision) -> OfficialDocument:
    """责任分摊表: the five parties, their duty, unit, task and deadline, in one table."""
    parties = _parties(supervision)
    rows = [
        [
            str(index + 1),
            f"{PARTY_NAMES[party.role]}（{DUTIES[party.role]}）",
            party.unit.name,
            mask_personal_data(party.task),
            official_date(party.due_on),
        ]
        for index, party in enumerate(parties)
    ]
    return OfficialDocument(
        title="五方联合督办责任分摊表",
        number=supervision.number,
        addressee="",
        opening=[f"督办事项：{_case_line(supervision)}。"],
        tables=[Table("", ["序号", "职责", "责任单位", "工作任务", "办结时限"], rows)],
        closing=[
            "各责任单位按表列任务和时限履行职责，完成后书面报告办理结果；"
            "全部任务完成且信访事项答复信访人后，联合督办办结。"
        ],
        issuing_unit=supervision.opening_unit.official_name,
        date=supervision.opened_on,
        name=f"责任分摊表-{supervision.number}.docx",
    )


@dataclass(frozen=True)
class JointDocumentKind:
    slug: str
    title: str
    build: Callable[[JointSupervision], OfficialDocument]


# slug (in the URL and the API) → the document.
JOINT_DOCUMENTS: dict[str, JointDocumentKind] = {
    kind.slug: kind
    for kind in (
        JointDocumentKind("letter", "交办函", assignment_letter),
        JointDocumentKind("summary", "信访事由摘要", matter_summary),
        JointDocumentKind("responsibility", "责任分摊表", responsibility_table),
    )
}
