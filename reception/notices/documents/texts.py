"""What the three notices of an appointment (四书) say, laid out by `core.officialdoc`:

- 领导接访通知书 to the petitioner: the leader, date, time and place, what to bring;
- 参与接访通知书 to each attending unit: attend with the person responsible, send a
  preliminary opinion by the workday before;
- 接待信访人通知书 to the leader: the case, its demands, its history (petitions, events,
  earlier answers) and the units' preliminary opinions;
- after the reception, escalation's 督办通知书 (issued by the reception record; `links`
  lists it with the others).

Each is generated from the data every time: the same data gives the same document, under
the number stored when it was first issued. Fixed official Chinese text; free text is passed
through `mask_personal_data`, and no ID number or phone number is ever put in.
"""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from accounts.models import OrgUnit, User
from cases.models import CaseEvent, Reply, ReplyStatus, Review
from core.identity import mask_personal_data
from core.officialdoc import OfficialDocument, Section, Table, official_date, paragraphs_of

from ...models import Appointment, NoticeKind, ReceptionNotice, ReceptionSchedule
from ..selectors import (
    appointment_petitioners,
    attending_units,
    issuing_unit_of,
    opinions_of,
    workday_before,
)

TITLES = {
    NoticeKind.PETITIONER: "领导接访通知书",
    NoticeKind.UNIT: "参与接访通知书",
    NoticeKind.LEADER: "接待信访人通知书",
}
WEEKDAYS = "一二三四五六日"
LONG_TEXT = 200  # characters of a reply or a timeline comment shown in a table cell


# --- small formatting -------------------------------------------------------------------------


def weekday_name(day: datetime.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def time_window(schedule: ReceptionSchedule) -> str:
    return f"{schedule.start_time:%H:%M}至{schedule.end_time:%H:%M}"


def leader_name(leader: User) -> str:
    return leader.display_name


def leader_post(leader: User) -> str:
    """What the documents call the leader's post: the leader of their unit (users carry no
    job title)."""
    return f"{leader.org_unit.name}领导" if leader.org_unit_id else "领导"


def clean(text: str) -> str:
    """Free text as a document may carry it: ID numbers and mobile numbers masked."""
    return mask_personal_data((text or "").strip())


def shorten(text: str, limit: int = LONG_TEXT) -> str:
    text = clean(" ".join(paragraphs_of(text)))
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def chinese(label) -> str:
    """A model choice label in Chinese, whatever the user's language (documents are issued
    in Chinese)."""
    with translation.override("zh-hans"):
        return str(label)


def names_of(petitioners: list) -> str:
    return "、".join(p.name for p in petitioners) or "信访人"


# --- the documents ----------------------------------------------------------------------------


def notice_document(
    notice: ReceptionNotice, *, units: list[OrgUnit] | None = None
) -> OfficialDocument:
    """The notice as an official document. `notice.appointment` should come with its day,
    schedule, leader and case loaded (`selectors.APPOINTMENT_RELATED`); `units`, the
    attending units, when the caller has them. A few queries; the leader's briefing a few
    more (the case's petitions, timeline, answers and the opinions), whatever their number."""
    appointment = notice.appointment
    units = units if units is not None else attending_units(appointment)
    office = issuing_unit_of(appointment.day.schedule)
    petitioners = appointment_petitioners(appointment)
    if notice.kind == NoticeKind.PETITIONER:
        return _petitioner_document(notice, office, petitioners)
    if notice.kind == NoticeKind.UNIT:
        unit = next((u for u in units if u.pk == notice.unit_id), None) or notice.unit
        return _unit_document(notice, office, petitioners, unit, units)
    return _leader_document(notice, office, petitioners, units)


def _base(
    notice: ReceptionNotice, office: OrgUnit, *, closing: tuple[str, ...] = ("特此通知。",), **parts
) -> OfficialDocument:
    title = TITLES[notice.kind]
    return OfficialDocument(
        title=title,
        number=notice.number,
        issuing_unit=office.official_name,
        date=timezone.localdate(notice.issued_at),
        closing=list(closing),
        name=f"{title}-{notice.number}.docx",
        **parts,
    )


def _when(appointment: Appointment) -> str:
    day = appointment.day
    return f"{official_date(day.date)}（{weekday_name(day.date)}）{time_window(day.schedule)}"


def _petitioner_document(notice, office, petitioners) -> OfficialDocument:
    appointment = notice.appointment
    schedule = appointment.day.schedule
    case = appointment.case
    leader, post = leader_name(schedule.leader), leader_post(schedule.leader)
    you = "你们" if len(petitioners) > 1 else "你"
    notes = ["请按时到达，到达后向接待人员出示本通知书。"]
    if len(petitioners) > 1:
        notes.append("集体反映同一问题的，参加接访的代表不超过5人。")
    notes.append(f"如因故不能按时参加，请提前与{office.name}联系，另行预约。")
    return _base(
        notice,
        office,
        addressee=names_of(petitioners),
        opening=[
            f"关于{you}反映的信访事项（信访事项编号：{case.number}；事由：{clean(case.summary)}），"
            f"经预约，安排{post}{leader}同志接待{you}。现将有关事项通知如下："
        ],
        sections=[
            Section(
                "一、接访安排",
                [
                    f"接访领导：{leader}（{post}）",
                    f"接访时间：{_when(appointment)}",
                    f"接访地点：{schedule.place}",
                    f"信访事项编号：{case.number}",
                ],
            ),
            Section(
                "二、请携带的材料",
                [
                    "（一）本人居民身份证原件；",
                    "（二）此前收到的答复意见书、处理意见书、复查复核意见书等书面答复；",
                    "（三）与反映问题有关的证据材料。",
                ],
            ),
            Section("三、注意事项", notes),
        ],
    )


def _unit_document(notice, office, petitioners, unit, units) -> OfficialDocument:
    appointment = notice.appointment
    schedule = appointment.day.schedule
    case = appointment.case
    leader, post = leader_name(schedule.leader), leader_post(schedule.leader)
    demands = _demands(case)
    others = [u.name for u in units if u.pk != unit.pk]
    duties = [
        "请你单位负责同志（或分管负责同志）按时参加接访，事先熟悉案情，"
        "会同有关单位当面听取信访人诉求，做好政策解释和答复工作。",
        f"请于{official_date(workday_before(appointment.day.date))}前将你单位对该信访事项的"
        f"初步处理意见报送{office.name}（可在信访业务系统中直接填报）。",
    ]
    if others:
        duties.append(f"同时参加接访的单位：{'、'.join(others)}。")
    return _base(
        notice,
        office,
        addressee=unit.name,
        opening=[
            f"{post}{leader}同志定于{_when(appointment)}在{schedule.place}接待信访人"
            f"{names_of(petitioners)}，所反映问题涉及你单位职责。现将有关事项通知如下："
        ],
        sections=[
            Section(
                "一、接访事项",
                [
                    f"信访事项编号：{case.number}",
                    f"信访事由摘要：{clean(case.summary)}",
                    *(
                        [f"信访人诉求：{demands[0]}", *demands[1:]]
                        if demands
                        else ["信访人诉求：见信访事由摘要。"]
                    ),
                ],
            ),
            Section("二、工作要求", duties),
        ],
    )


def _demands(case) -> list[str]:
    """The demands of the case's petitions, oldest first, each once (one query)."""
    seen, lines = set(), []
    for text in case.petitions.order_by("received_at", "pk").values_list("demands", flat=True):
        for line in paragraphs_of(text):
            line = clean(line)
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines


def _leader_document(notice, office, petitioners, units) -> OfficialDocument:
    appointment = notice.appointment
    schedule = appointment.day.schedule
    case = appointment.case
    leader = leader_name(schedule.leader)
    petitions = list(case.petitions.select_related("receiving_unit").order_by("received_at", "pk"))
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor_unit")
        .order_by("effective_on", "created_at", "pk")
    )
    replies = list(
        Reply.objects.filter(case=case, status__in=[ReplyStatus.APPROVED, ReplyStatus.DELIVERED])
        .select_related("unit")
        .order_by("approved_on", "pk")
    )
    reviews = list(
        Review.objects.filter(case=case, decided_on__isnull=False)
        .select_related("unit")
        .order_by("decided_on", "pk")
    )
    opinions = opinions_of(appointment)

    demands = []
    for petition in petitions:
        for line in paragraphs_of(petition.demands):
            line = clean(line)
            if line not in demands:
                demands.append(line)
    content = paragraphs_of(petitions[0].content) if petitions else []
    basics = [
        f"信访事项编号：{case.number}",
        f"信访事由摘要：{clean(case.summary)}",
        f"信访人：{names_of(petitioners)}",
        f"首次信访时间：{official_date(timezone.localdate(case.received_at))}；"
        f"累计信访{len(petitions)}次。",
        f"办理单位：{case.owner_unit.name}；当前状态：{chinese(case.get_status_display())}。",
    ]
    if content:
        basics.append(f"主要反映内容：{shorten(petitions[0].content, 500)}")
    if case.sponsoring_leader_id:
        basics.append(f"包案领导：{leader_name(case.sponsoring_leader)}")
    if units:
        basics.append(f"参加接访单位：{'、'.join(u.name for u in units)}")

    answers = [
        [
            official_date(reply.approved_on or reply.drafted_on),
            reply.unit.name,
            "答复意见",
            chinese(reply.get_opinion_display()) if reply.opinion else "",
            shorten(reply.facts_and_reasons),
        ]
        for reply in replies
    ] + [
        [
            official_date(review.decided_on),
            review.unit.name,
            chinese(review.get_level_display()),
            chinese(review.get_decision_display()) if review.decision else "",
            shorten(review.opinion),
        ]
        for review in reviews
    ]
    written = {opinion.unit_id: opinion for opinion in opinions}
    opinion_rows = [
        [unit.name, shorten(written[unit.pk].text, 1000) if unit.pk in written else "尚未报送"]
        for unit in units
    ] + [
        [opinion.unit.name, shorten(opinion.text, 1000)]
        for opinion in opinions
        if opinion.unit_id not in {unit.pk for unit in units}
    ]
    return _base(
        notice,
        office,
        addressee=f"{leader}同志",
        opening=[
            f"根据领导接访安排，你定于{_when(appointment)}在{schedule.place}"
            f"接待信访人{names_of(petitioners)}。现将该信访事项有关情况通知如下："
        ],
        sections=[
            Section("一、基本情况", basics),
            Section(
                "二、信访人诉求",
                demands or [clean(line) for line in content] or ["见信访事由摘要。"],
            ),
            Section(
                "三、信访经过、此前答复和有关单位初步处理意见",
                ["历次信访情况、办理经过、此前答复和有关单位初步处理意见见下表。"]
                + ([] if answers else ["此前未作出书面答复。"]),
            ),
        ],
        tables=[
            Table(
                "表1 历次信访情况",
                ["收到日期", "方式", "接收单位", "人数", "反映内容摘要"],
                [
                    [
                        official_date(timezone.localdate(p.received_at)),
                        chinese(p.get_channel_display()),
                        p.receiving_unit.name,
                        str(p.person_count),
                        clean(p.summary),
                    ]
                    for p in petitions
                ],
            ),
            Table(
                "表2 办理经过",
                ["日期", "事项", "单位", "说明"],
                [
                    [
                        official_date(event.effective_on),
                        chinese(event.get_kind_display()),
                        event.actor_unit.name if event.actor_unit_id else "",
                        shorten(event.comment),
                    ]
                    for event in events
                ],
            ),
            *(
                [Table("表3 此前答复", ["日期", "单位", "文书", "意见", "主要内容"], answers)]
                if answers
                else []
            ),
            Table(
                f"表{4 if answers else 3} 有关单位初步处理意见",
                ["单位", "初步处理意见"],
                opinion_rows or [["（无参加接访单位）", ""]],
            ),
        ],
        closing=("请阅示。",),
    )
