"""Demo escalation data on top of `seed_demo`'s cases (SCENARIOS.md S3 and S4), made through
the services: the five-party joint supervision of the forest-land group visit, the four-level
consultation of the reservoir resettlement case, a supervision notice, then the deadline scan
(reminders and automatic notices for the demo's late clocks) and the last three months'
unit rankings. Safe to run again: each part is skipped when it is there already."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from cases.models import Case
from core.workcalendar import Counting, due_date
from escalation.consultations.services.followup import consultation_escalate
from escalation.consultations.services.meetings import TaskDraft, consultation_record
from escalation.deadlines.services import deadlines_scan
from escalation.joint.services.opening import PartyDraft, joint_supervision_open
from escalation.joint.services.reporting import joint_party_report
from escalation.models import Consultation, JointSupervision, PartyRole, SupervisionNotice
from escalation.notices.services import supervision_notice_issue
from escalation.ranking.services import units_rank
from notifications.models import Notification

from .seed import story_cases

D = datetime.date


def seed_escalation_demo(out) -> None:
    cases = {code: [number for number, _status in rows] for code, rows in story_cases().items()}
    if not cases.get("S3"):
        out.write("Escalation demo: no demo cases (run seed_demo with petitions first).")
        return
    if not JointSupervision.objects.exists():
        # The demo's handling was back-entered from a year of paper records: what it told
        # people then is not news today, so the inboxes start with only what follows.
        Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now())
    with transaction.atomic():
        joint = _joint_supervision(cases["S3"][0])
    with transaction.atomic():
        consulted = _consultations(cases["S4"][0])
    with transaction.atomic():
        notice = _supervision_notice(cases["C3"][0])
    scan = deadlines_scan()
    months = _rankings()
    out.write(
        "\nEscalation demo: joint supervision "
        f"{joint or 'already there'}; four-level consultation: {consulted or 'already there'}; "
        f"supervision notice {notice or 'already there'}; deadline scan: {scan.due_soon} due "
        f"soon, {scan.overdue} overdue, {scan.escalated} escalated with {scan.notices} "
        f"automatic notices; unit rankings for {', '.join(months)}."
    )


def _user(username: str) -> User:
    return User.objects.select_related("org_unit").get(username=username)


def _units(*codes: str) -> list[OrgUnit]:
    by_code = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes]


def _joint_supervision(number: str) -> str | None:
    """S3: the city joint-conference office puts the forest-land case under five parties."""
    case = Case.objects.get(number=number)
    if JointSupervision.objects.filter(case=case).exists():
        return None
    today = timezone.localdate()
    tracking, business, stability, judicial, discipline = _units(
        "JZXFJ", "JZLYJ", "JZZZZX", "JZSFJ", "JZJW"
    )
    parties = [
        PartyDraft(PartyRole.TRACKING, tracking, "全程跟踪督办，每周汇总各方进展并报联席办。", 30),
        PartyDraft(
            PartyRole.BUSINESS,
            business,
            "核查林地流转合同效力，组织村民与承租方调解，依法作出处理决定。",
            20,
        ),
        PartyDraft(PartyRole.STABILITY, stability, "做好村民代表思想疏导，防止矛盾激化。", 10),
        PartyDraft(PartyRole.JUDICIAL, judicial, "为涉诉农户提供法律援助，指导依法维权。", 15),
        PartyDraft(
            PartyRole.DISCIPLINE,
            discipline,
            "审计村、乡两级干部在林地流转中的履职情况，依纪依法查处。",
            25,
        ),
    ]
    supervision = joint_supervision_open(
        actor=_user("supervisor1"),
        case=case,
        parties=[
            PartyDraft(d.role, d.unit, d.task, today + datetime.timedelta(days=d.due_on))
            for d in parties
        ],
    )
    for username, role, content, done in (
        ("jzzzzx", PartyRole.STABILITY, "已约谈村民代表五人，情绪稳定，同意通过调解解决。", True),
        ("jzsfj", PartyRole.JUDICIAL, "已指派法律援助律师，正在整理流转合同证据。", False),
    ):
        joint_party_report(
            actor=_user(username), supervision=supervision, role=role, content=content, done=done
        )
    return supervision.number


def _consultations(number: str) -> str | None:
    """S4: the reservoir resettlement case goes through all four levels, one at a time."""
    case = Case.objects.get(number=number)
    if Consultation.objects.filter(case=case).exists():
        return None
    actor = _user("jzd3-supervisor")
    # Seven dated steps (four meetings, three escalations) between the case's latest step and
    # today, so that its timeline stays in order.
    start, today = case.last_step_on, timezone.localdate()
    step = max((today - start).days // 7, 0)

    def day(index: int) -> datetime.date:
        return min(start + datetime.timedelta(days=step * index), today)

    resettlement, water, office, county = _units("JZD3YMB", "JZD3SLJ", "JZD3XFJ", "JZD3")
    levels = [
        (
            [resettlement],
            "移民办业务科长、经办人",
            "",
            "补偿标准在省定区间内，但未向移民公开测算依据。",
            "移民办三日内向移民代表说明测算依据。",
            "移民不接受说明，涉及财政资金和乡镇，需多部门共同研判。",
        ),
        (
            [resettlement, water, office],
            "大厅副主任、移民办、水利局、信访局负责人",
            "",
            "补偿高于省定下限，提高标准将牵动其他库区。",
            "维持标准，研究困难救助的可行性。",
            "救助资金来源和政策口径需大厅主任联席研究并听取专家意见。",
        ),
        (
            [resettlement, water, office],
            "大厅主任、副主任，相关部门主要负责人",
            "省水库移民政策专家一名",
            "专家认为标准合规；个别家庭确有困难。",
            "提请区联席会议决定救助方案。",
            "救助方案涉及县级财政统筹，须由联席会议决定。",
        ),
        (
            [county, resettlement, water, office],
            "县联席会议全体成员",
            "",
            "维持补偿标准，否则其他库区将攀比。",
            "维持现行补偿标准；对确有困难的家庭给予困难救助；由包案领导向移民当面答复。",
            "",
        ),
    ]
    previous = None
    for level, (units, people, experts, analysis, decision, reason) in enumerate(levels, 1):
        held_on = day(2 * level - 1)
        tasks = []
        if level == 4:
            tasks = [
                TaskDraft(
                    resettlement,
                    "核定困难家庭名单并发放救助金。",
                    due_date(timezone.localdate(), 10, Counting.WORKDAYS),
                )
            ]
        previous = consultation_record(
            actor=actor,
            case=case,
            level=level,
            held_on=held_on,
            units=units,
            attendees=people,
            experts=experts,
            analysis=analysis,
            decision=decision,
            tasks=tasks,
        )
        if reason:
            consultation_escalate(
                actor=actor,
                consultation=previous,
                level=level + 1,
                reason=reason,
                on=day(2 * level),
            )
    return case.number


def _supervision_notice(number: str) -> str | None:
    case = Case.objects.get(number=number)
    if SupervisionNotice.objects.filter(case=case, automatic=False).exists():
        return None
    (unit,) = _units(case.owner_unit.code)
    notice = supervision_notice_issue(
        actor=_user("supervisor1"),
        case=case,
        unit=unit,
        due_on=due_date(timezone.localdate(), 5, Counting.WORKDAYS),
        content="该件办理进度滞后，请加快调查核实，于期限内书面报告办理进展和下一步措施。",
    )
    return notice.number


def _rankings() -> list[str]:
    first = timezone.localdate().replace(day=1)
    months = []
    for back in (3, 2, 1):
        year, month = first.year, first.month - back
        while month < 1:
            year, month = year - 1, month + 12
        units_rank(month=D(year, month, 1))
        months.append(f"{year}-{month:02d}")
    return months
