"""Demo ledgers on top of `seed_demo`'s org tree, made through the services: last month's and
this month's regular dispute screening rounds of the three districts (most units reported,
some nil, a few late or missing), a supervisor's special round before the coming holidays,
and disputes drawn from SCENARIOS.md in every state: S1's rubbish at 升平街3号楼 resolved by
mediation the same day, S2's old water main contained while the water company is brought in,
S3's leased forest land reported to the county, S5's substitute teachers registered as a
petition, and everyday ones (unpaid wages, a boundary wall, a family quarrel), one overdue;
the major and urgent matters of S3, S4 and S5 with their information reports. And the
backlog ledger (积案台账): S4's reservoir resettlement case sponsored by the county
leader, still being resolved; C2's parking fees resolved (化解); S5's substitute teachers,
who keep coming after their case closed, overdue. None of these is a backlog case by the rule
in the demo's year, so each goes on with its reason. And the people's suggestions (人民建议征集):
four suggestions registered online, three answered (adopted, partly adopted, not adopted for
now) and one still being studied, and a written commendation of the adopted one's suggester.
Dated back from today; safe to run again: each ledger is skipped when the demo units have rows
in it."""

from __future__ import annotations

import datetime
import math
from fractions import Fraction

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.models import OrgUnit, User
from cases.models import Case, CaseEvent, MatterKind
from cases.services import approval_decide, case_accept, reply_deliver, reply_draft
from core.workcalendar import add_months
from escalation.deadlines.services import deadlines_scan
from ledgers.backlog.services import backlog_end, backlog_place, backlog_progress
from ledgers.models import (
    BacklogEntry,
    BacklogStatus,
    DisputeItem,
    DisputeKind,
    Gravity,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    ScreeningReport,
    ScreeningRound,
    SuggestionCommendation,
    UrgentReport,
)
from ledgers.screening.services import (
    DisputeDraft,
    PetitionFacts,
    dispute_contain,
    dispute_convert,
    dispute_progress,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    regular_due_on,
    reporting_units,
    screening_regular_rounds_open,
    screening_report_submit,
    screening_round_open,
)
from ledgers.suggestions.services import suggestion_commend
from ledgers.urgent.services import (
    may_acknowledge,
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)
from petitions.models import Category

from .orgs import CITY, DEMO_UNIT_CODES, DISTRICTS
from .petitions.handling import handler_of, workday_on_or_before
from .seed import story_cases

A, R = PartyRole.APPLICANT, PartyRole.RESPONDENT

# (unit, kind, risk, parties, place, summary, responsible unit, person, days ago found,
#  days to resolve, the end: (step, how), measures)
DISPUTES = [
    (
        "JZD1S1C1",
        DisputeKind.NEIGHBOURS,
        RiskLevel.GENERAL,
        [(A, "孙佩华"), (R, "升平街3号楼保洁员")],
        "升平街3号楼",
        "楼道垃圾多日无人清运：负责收集袋装垃圾的两名保洁员闹矛盾，互不清运。",
        "JZD1S1C1",
        "社区主任",
        20,
        1,
        (
            "resolve",
            ResolutionMethod.MEDIATION,
            "社区主任当日调解，清运垃圾并另聘保洁员，居民满意。",
        ),
        "",
    ),
    (
        "JZD1S2C1",
        DisputeKind.PROPERTY,
        RiskLevel.SERIOUS,
        [(A, "温启光"), (R, "供水公司")],
        "北五道街大院",
        "院内上世纪五十年代铺设的自来水主管道天天漏水，居民与产权单位就维修费用各执一词。",
        "JZD1S2",
        "街道城建科长",
        12,
        30,
        ("contain", None, "已关阀减压，每日巡查；正协调供水公司免费维修。"),
        "与供水公司两次协调，约定下周现场勘查。",
    ),
    (
        "JZD3S1V1",
        DisputeKind.LAND,
        RiskLevel.MAJOR,
        [(A, "青山村村民代表"), (R, "青山村村委会")],
        "青山村后山林地",
        "村镇干部未经农户同意将三千余亩集体林地出租，数十户村民意见很大，有集体上访苗头。",
        "JZD3S1",
        "镇党委副书记",
        9,
        15,
        ("report_up", None, "涉及林地承包合同效力和干部违纪问题，镇里无法化解，报县联席办。"),
        "已召开村民代表会，暂停林地施工。",
    ),
    (
        "JZD2S1C3",
        DisputeKind.LABOUR,
        RiskLevel.SERIOUS,
        [(A, "李老师等代课教师"), (R, "江北区教育局")],
        "学府社区",
        "原代课教师要求补缴社会保险、解决身份问题，多次聚集。",
        "JZD2S1",
        "街道综治办主任",
        6,
        20,
        ("convert", None, ""),
        "",
    ),
    (
        "JZD2S2V1",
        DisputeKind.LABOUR,
        RiskLevel.SERIOUS,
        [(A, "红星村务工人员"), (R, "某建筑公司")],
        "红星村安置房工地",
        "工程完工后施工方拖欠二十余名务工人员工资约四十万元。",
        "JZD2S2",
        "镇劳动保障所所长",
        40,
        30,
        None,
        "已约谈施工方负责人，要求限期支付。",
    ),
    (
        "JZD2S1C1",
        DisputeKind.NEIGHBOURS,
        RiskLevel.GENERAL,
        [(A, "滨江路12号住户"), (R, "滨江路14号住户")],
        "滨江路12号与14号之间",
        "两户因加盖院墙占用公共通道发生争执。",
        "JZD2S1C1",
        "社区网格员",
        3,
        5,
        None,
        "",
    ),
    (
        "JZD3S2V1",
        DisputeKind.FAMILY,
        RiskLevel.GENERAL,
        [(A, "竹林村王某"), (R, "竹林村王某某")],
        "竹林村",
        "兄弟二人因赡养老人和宅基地分割发生纠纷。",
        "JZD3S2V1",
        "村调委会主任",
        25,
        15,
        ("resolve", ResolutionMethod.NEGOTIATION, "经村调委会主持协商，达成赡养和分家协议。"),
        "",
    ),
]
SPECIAL_TITLE = "节前矛盾纠纷专项排查"


def seed_ledgers_demo(out) -> None:
    if not OrgUnit.objects.filter(code__in=DISTRICTS).exists():
        out.write("Ledgers demo: no demo units (run seed_demo first).")
        return
    screening_there = DisputeItem.objects.filter(unit__code__in=DEMO_UNIT_CODES).exists()
    backlog_there = BacklogEntry.objects.filter(placing_unit__code__in=DEMO_UNIT_CODES).exists()
    urgent_there = UrgentReport.objects.filter(reporting_unit__code__in=DEMO_UNIT_CODES).exists()
    if screening_there and backlog_there and urgent_there:
        out.write("Ledgers demo: already there.")
        return
    today = timezone.localdate()
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES)}
    users = {user.username: user for user in User.objects.filter(org_unit__in=units.values())}
    parts = []
    if not screening_there:
        with transaction.atomic():
            rounds = _regular_rounds(today, units, users)
            special = _special_round(today, units, users)
            disputes = _disputes(today, units, users)
        parts.append(
            f"{rounds} regular screening rounds, special round “{special.title}”, "
            f"{disputes} disputes"
        )
    if not backlog_there:
        with transaction.atomic():
            entries = _backlog(today, units, users)
        parts.append(f"{entries} cases on the backlog ledger")
    # Flagged today, after the ledger's back-dated steps: a flag is a step on its case.
    if not urgent_there:
        with transaction.atomic():
            urgent = _urgent_reports(users)
        parts.append(f"{urgent} major or urgent matters reported")
    # The reminders of the late reports, disputes and backlog cases, as beat's next scan
    # would send them.
    scan = deadlines_scan()
    out.write(
        f"\nLedgers demo: {'; '.join(parts)}; reminders: {scan.steps.get('screening')}, "
        f"{scan.steps.get('backlog')}."
    )


def _handler(users: dict[str, User], code: str) -> User:
    return users[code.lower()]


def _regular_rounds(today: datetime.date, units, users) -> int:
    """Last month's rounds, every unit reported (paper reports entered after the meeting),
    two of them late; this month's, reported by half the units so far."""
    opened = 0
    this_month = today.replace(day=1)
    for month in (add_months(this_month, -1), this_month):
        opened += screening_regular_rounds_open(today=month)
        due = regular_due_on(month)
        # Opened by the scan on the month's first day (the demo is made later).
        ScreeningRound.objects.filter(month=month).update(
            opened_at=timezone.make_aware(datetime.datetime.combine(month, datetime.time(8)))
        )
        reports = list(
            ScreeningReport.objects.filter(
                round__month=month, submitted_at__isnull=True, unit__code__in=DEMO_UNIT_CODES
            )
            .select_related("unit", "round")
            .order_by("unit__code")
        )
        for index, report in enumerate(reports):
            if month == this_month and index % 2:
                continue  # still owed
            # Most on time, every seventh two days after the meeting.
            late = index % 7 == 0
            day = due + datetime.timedelta(days=2 if late else -2)
            day = min(max(day, month), today)
            screening_report_submit(
                actor=_handler(users, report.unit.code),
                report=report,
                nothing_found=True,
                note="本月排查未发现矛盾纠纷。",
                on=day,
            )
    return opened


def _special_round(today: datetime.date, units, users) -> ScreeningRound:
    supervisor = users["jzd1-supervisor"]
    return screening_round_open(
        actor=supervisor,
        title=SPECIAL_TITLE,
        due_on=today + datetime.timedelta(days=10),
        units=reporting_units(units["JZD1"]),
        instructions="元旦、春节前全面排查欠薪、征地拆迁、物业等矛盾纠纷，零报告也须按时报送。",
    )


def _disputes(today: datetime.date, units, users) -> int:
    category = (
        Category.objects.filter(is_active=True, code__startswith="07").order_by("code").first()
    )
    category = category or Category.objects.filter(is_active=True).order_by("code").first()
    for (
        code,
        kind,
        risk,
        parties,
        place,
        summary,
        responsible,
        person,
        ago,
        days,
        end,
        measures,
    ) in DISPUTES:
        found = today - datetime.timedelta(days=ago)
        actor = _handler(users, code)
        item = dispute_register(
            actor=actor,
            draft=DisputeDraft(
                kind=kind,
                parties=[{"role": role, "name": name} for role, name in parties],
                place=place,
                summary=summary,
                risk_level=risk,
                responsible_unit=units[responsible],
                responsible_person=person,
                due_on=found + datetime.timedelta(days=days),
                found_on=found,
            ),
        )
        worker = _handler(users, responsible)
        if measures:
            item = dispute_progress(actor=worker, item=item, measures=measures)
        if end is None:
            continue
        step, method, outcome = end
        if step == "resolve":
            dispute_resolve(
                actor=worker,
                item=item,
                method=method,
                outcome=outcome,
                on=min(found + datetime.timedelta(days=max(days - 1, 0)), today),
            )
        elif step == "contain":
            dispute_contain(actor=worker, item=item, outcome=outcome)
        elif step == "report_up":
            dispute_report_up(actor=worker, item=item, outcome=outcome)
        elif step == "convert":
            dispute_convert(
                actor=actor,
                item=item,
                facts=PetitionFacts(
                    category=category,
                    matter_kind="complaint",
                    petitioner_name=parties[0][1][:10],
                ),
            )
    return len(DISPUTES)


def _urgent_reports(users: dict[str, User]) -> int:
    """S5's substitute teachers gathering (urgent): reported and acknowledged; S3's forest land
    group visit (major): reported, the city office yet to acknowledge; S4's reservoir
    households (major): flagged, the report still to be written."""
    cases = {code: [number for number, _status in rows] for code, rows in story_cases().items()}
    plans = [
        ("S5", Gravity.URGENT, "约百名代课教师在区政府门前聚集，情绪激动。", True, True),
        (
            "S3",
            Gravity.MAJOR,
            "数十户村民集体到市上访，涉及三千余亩林地，可能引发群体性事件。",
            True,
            False,
        ),
        ("S4", Gravity.MAJOR, "移民户多次进京赴省上访，可能再次赴京。", False, False),
    ]
    made = 0
    for code, gravity, reason, send, acknowledge in plans:
        numbers = cases.get(code)
        if not numbers:
            continue
        # The matter's latest case: the one still raising it.
        case = Case.objects.select_related("owner_unit", "receiving_unit").get(number=numbers[-1])
        office = case.owner_unit or case.receiving_unit
        actor = users.get(office.code.lower()) if office else None
        if actor is None:
            continue
        report = urgent_flag(actor=actor, case=case, gravity=gravity, reason=reason)
        made += 1
        if not send:
            continue
        report = urgent_report_issue(
            actor=actor,
            report=report,
            content=f"{reason}现场已有工作人员疏导，正在核实诉求，后续情况及时续报。",
        )
        if acknowledge:
            for recipient in report.recipients.select_related("unit"):
                for user in users.values():
                    if may_acknowledge(user, report, recipient.unit):
                        urgent_acknowledge(actor=user, report=report)
                        break
            urgent_follow_up(actor=actor, report=report, content="经劝导，聚集人员已散去。")
    return made


# (story, placed by, lead unit, sponsor, days ago put on, days to the time limit from then,
#  responsible persons, plan, reason, progress [(days ago, by, text)], outcome (days ago, how,
#  note) or None). The days are the latest they can be: a step on the ledger is a step of the
# case too, never dated before the case's previous one.
BACKLOG = [
    (
        "S4",
        "jzd3-supervisor",
        "JZD3YMB",
        "jzd3-leader",
        2,
        90,
        "县水库移民安置办公室主任、青山镇党委书记",
        "县领导包案；县移民办逐户核对补偿资金发放台账并公示；对12户生活困难移民户落实一次性"
        "困难救助；复核期间由青山镇包村干部做好移民户疏导，依法依规答复。",
        "移民户多次越级到市、赴省上访，经四级会诊仍不接受处理意见，现已申请复核，列入积案"
        "台账包案化解。",
        [(0, "jzd3ymb", "已逐户核对补偿资金发放台账，在移民新村公示资金使用明细。")],
        None,
    ),
    (
        "C2",
        "jzd2-supervisor",
        "JZD2S1",
        "jzd2-leader",
        15,
        60,
        "江北街道办事处主任、滨江社区党委书记",
        "街道约谈物业公司，核查停车费调价依据；组织业主代表协商，调价无据的恢复原标准并"
        "退还多收费用。",
        "业主多次集体到街道、到区反映，矛盾较为突出，列入积案台账。",
        [(10, "jzd2s1", "已约谈物业公司，物业公司未能提供调价依据，同意恢复原收费标准。")],
        (
            4,
            BacklogStatus.RESOLVED,
            "停车费恢复原标准，多收费用已退还到户；业主代表签字确认，表示满意。",
        ),
    ),
    (
        # The teachers keep coming after their case closed (SCENARIOS.md S5).
        "S5",
        "jzd2-supervisor",
        "JZD2JYJ",
        "jzd2-leader",
        # Put on 42 days ago, due 20 days ago: past the escalation whatever the holidays.
        42,
        22,
        "区教育局局长、区人社局副局长",
        "摸清被清退代课教师代课年限和参保情况，研究提出经济补偿和补缴养老保险的政策意见，"
        "报区政府常务会议研究。",
        "案件办结后代课教师仍多次集体到区上访，列入积案台账包案化解。",
        [(30, "jzd2jyj", "已摸清1480名代课教师的代课年限，正在测算补偿资金。")],
        None,
    ),
]


def _latest_step(case: Case) -> datetime.date:
    """The day of the case's latest step, its timeline's included (the escalation demo writes
    some of its steps today)."""
    latest = CaseEvent.objects.filter(case=case).aggregate(day=Max("effective_on"))["day"]
    return max(case.last_step_on, latest or case.last_step_on)


def _backlog(today: datetime.date, units, users) -> int:
    """The backlog ledger's entries (`BACKLOG`): each put on with its assignment sheet on the
    day of the paper sheet, its progress reports, and its outcome where it has one."""
    cases = {code: rows[0][0] for code, rows in story_cases().items() if rows}
    placed = 0
    for (
        story,
        supervisor,
        lead,
        sponsor,
        ago,
        days,
        persons,
        plan,
        reason,
        progress,
        outcome,
    ) in BACKLOG:
        number = cases.get(story)
        if number is None:
            continue
        case = Case.objects.get(number=number)

        def day_of(days_ago: int, after: datetime.date) -> datetime.date:
            return max(workday_on_or_before(today - datetime.timedelta(days=days_ago)), after)

        on = day_of(ago, _latest_step(case))
        entry = backlog_place(
            actor=users[supervisor],
            case=case,
            lead_unit=units[lead],
            sponsoring_leader=users[sponsor] if sponsor else None,
            responsible_persons=persons,
            plan=plan,
            due_on=on + datetime.timedelta(days=days),
            reason=reason,
            on=on,
        )
        last = on
        for days_ago, username, text in progress:
            last = day_of(days_ago, last)
            backlog_progress(actor=users[username], entry=entry, text=text, on=last)
        if outcome is not None:
            days_ago, how, note = outcome
            backlog_end(
                actor=users[supervisor],
                entry=entry,
                outcome=how,
                note=note,
                on=day_of(days_ago, last),
            )
        placed += 1
    return placed


# The people's suggestions (人民建议征集), registered online through the intake and answered
# on their own track: (receiving office, matter location, category, summary, content,
# demands, suggester, days ago received, decision or None (still being studied), reasons).
SUGGESTIONS = [
    (
        "JZD1XFJ",
        "JZD1S1C1",
        "1503",
        "建议在升平街增设便民停车位",
        "升平街周边老旧小区多，夜间停车难，车辆占道停放影响消防通道。建议利用升平街北侧闲置"
        "空地建设便民停车场，实行错时共享停车。",
        "供有关部门参考。",
        "周建华",
        40,
        "adopted",
        "区城市管理局会同升平街道实地踏勘，北侧闲置空地权属清晰、具备建设条件，建设便民"
        "停车场可新增车位120个，能有效缓解周边停车难问题，已列入今年民生实事项目。",
    ),
    (
        "JZD1XFJ",
        "JZD1S1C3",
        "1502",
        "建议在友谊社区设立矛盾纠纷调解室",
        "建议在友谊社区设立人民调解室，邀请退休法官、律师定期坐班，就地化解邻里纠纷。",
        "供有关部门参考。",
        "林淑芬",
        36,
        "partly_adopted",
        "区司法局研究认为，在社区设立人民调解室切实可行，已在友谊社区党群服务中心设立；"
        "邀请退休法官定期坐班涉及人员选聘和经费保障，暂由区公共法律服务中心律师每周轮值。",
    ),
    (
        "JZD2XFJ",
        "JZD2S1C3",
        "1503",
        "建议在学府路沿线增设夜间公交线路",
        "学府路沿线高校和社区集中，晚上九点后公交停运，出行不便。建议增设夜间公交线路。",
        "供有关部门参考。",
        "郑晓东",
        32,
        "not_adopted",
        "区交通运输局会同公交公司调查夜间客流，学府路沿线夜间客流量较小，现有线路已延长"
        "运营至晚上十时，增设夜间线路暂不具备运营条件，将根据客流变化适时研究。",
    ),
    (
        "JZD2XFJ",
        "JZD2S1C1",
        "1501",
        "建议扶持滨江社区特色农产品电商销售",
        "滨江社区周边特色农产品销路不畅，建议搭建电商公共服务平台，组织技能培训。",
        "供政府决策参考。",
        "孙丽萍",
        9,
        None,
        "",
    ),
]
COMMENDATION_TEXT = (
    "你提出的“{summary}”的建议经研究论证科学合理、具有现实可行性，已予以采纳并组织实施，"
    "对改进工作作出了贡献，特予书面表扬。"
)


def seed_suggestions_demo(out) -> None:
    """The people's suggestions (`SUGGESTIONS`). They are cases: seed_demo makes them before
    the parts built on the cases (the escalation demo's monthly rankings count them)."""
    if not OrgUnit.objects.filter(code__in=DISTRICTS).exists():
        return
    if SuggestionCommendation.objects.filter(case__owner_unit__code__in=DEMO_UNIT_CODES).exists():
        out.write("Suggestions demo: already there.")
        return
    today = timezone.localdate()
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES)}
    users = {user.username: user for user in User.objects.filter(org_unit__in=units.values())}
    with transaction.atomic():
        commended = _suggestions(today, units, users)
    out.write(f"Suggestions demo: {len(SUGGESTIONS)} suggestions, {commended} suggester commended.")


def _suggestions(today: datetime.date, units, users: dict[str, User]) -> int:
    """`SUGGESTIONS` registered online at the district petition offices, accepted the next
    workday, answered (approved by the district leader, delivered online) about two weeks
    later with their decision and reasons; the suggester of the adopted one is commended in
    writing a few days after. Returns how many were commended."""
    from petitions.services import PetitionDraft, PetitionerDraft, petition_register

    from .petitions.handling import leader_of, workday_on_or_after

    categories = {c.code: c for c in Category.objects.filter(code__in={s[2] for s in SUGGESTIONS})}
    commended = 0
    for (
        office,
        location,
        category,
        summary,
        content,
        demands,
        name,
        ago,
        decision,
        reasons,
    ) in SUGGESTIONS:
        handler, leader = users.get(handler_of(office)), users.get(leader_of(office))
        if handler is None or leader is None or office not in units or location not in units:
            continue
        received = workday_on_or_before(today - datetime.timedelta(days=ago))
        draft = PetitionDraft(
            channel="online",
            received_at=timezone.make_aware(
                datetime.datetime.combine(received, datetime.time(10, 30))
            ),
            receiving_unit=units[office],
            location_unit=units[location],
            category=categories[category],
            matter_kind=MatterKind.SUGGESTION,
            person_count=1,
            summary=summary,
            content=content,
            demands=demands,
            petitioners=[PetitionerDraft(name=name)],
        )
        case = petition_register(actor=handler, draft=draft).petition.case
        accepted = workday_on_or_after(received + datetime.timedelta(days=1))
        case = case_accept(actor=handler, case=case, on=accepted)
        if decision is None:
            continue
        drafted = workday_on_or_after(accepted + datetime.timedelta(days=12))
        reply_draft(
            actor=handler,
            case=case,
            request=content,
            facts_and_reasons=reasons,
            opinion=decision,
            on=drafted,
        )
        approval = case.approvals.get(status="pending")
        approval_decide(actor=leader, approval=approval, approve=True, on=drafted)
        delivered = workday_on_or_after(drafted + datetime.timedelta(days=1))
        reply_deliver(actor=handler, case=case, method="online", on=delivered)
        if decision == "adopted":
            granted = min(
                workday_on_or_after(delivered + datetime.timedelta(days=5)),
                workday_on_or_before(today),
            )
            suggestion_commend(
                actor=handler,
                case=case,
                kind="written",
                granted_on=max(granted, delivered),
                text=COMMENDATION_TEXT.format(summary=summary),
            )
            commended += 1
    return commended


# The city's targets for its districts (一控制三下降): (district, ceiling's headroom over the
# year's pace, and per cut: the cut in per cent and how last year's base is drawn against this
# year's figure so far). "ahead": well within; "behind": within the year's allowance but over
# what it allows by today (预警); "over": already past the year's allowance (未完成).
TARGET_CUTS = {"skip_level": 10, "repeat": 10, "group": 5, "capital": 15}
TARGET_PLANS = [
    ("JZD1", 1.15, dict.fromkeys(TARGET_CUTS, "ahead")),
    ("JZD2", 1.1, {**dict.fromkeys(TARGET_CUTS, "ahead"), "skip_level": "behind"}),
    ("JZD3", 1.2, {**dict.fromkeys(TARGET_CUTS, "ahead"), "repeat": "over"}),
]
TARGET_COLUMNS = {
    "batches": ("batches",),
    "skip_level": ("skip_level_batches",),
    "repeat": ("repeat_batches",),
    "group": ("group_batches",),
    "capital": ("national_batches", "province_batches"),
}
DEMO_WEIGHTS = {
    "on_time": 30,
    "satisfaction": 20,
    "resolution": 15,
    "ranking": 10,
    "targets": 15,
    "ledgers": 10,
}


def seed_targets_demo(out) -> None:
    """This year's targets of the three districts, set by the city's supervisor, with last
    year's figures entered from the year's statistics (the demo holds one year of petitions,
    so the system does not hold last year whole), and the weights of the city's year-end
    assessment. Drawn against the districts' figures so far this year, read from the rollup
    (seed_demo runs this after rebuilding it), so that on any day one district is on track,
    one off track and one has missed a target."""
    from dashboards.models import DailyStat
    from ledgers.models import AnnualTarget
    from ledgers.targets.selectors import share_of_year
    from ledgers.targets.services import target_set, weights_set

    today = timezone.localdate()
    if AnnualTarget.objects.filter(unit__code__in=DISTRICTS, year=today.year).exists():
        out.write("Targets demo: already there.")
        return
    supervisor = User.objects.filter(username="supervisor1").first()
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=(*DISTRICTS, CITY))}
    if supervisor is None or len(units) < len(DISTRICTS) + 1:
        return
    columns = sorted({column for names in TARGET_COLUMNS.values() for column in names})
    rows = (
        DailyStat.objects.filter(
            unit__in=[units[code] for code in DISTRICTS],
            day__range=(datetime.date(today.year, 1, 1), today),
        )
        .values("unit__code")
        .annotate(**{column: Sum(column, default=0) for column in columns})
        .order_by()
    )
    sums = {row["unit__code"]: row for row in rows}
    share = share_of_year(today)
    with transaction.atomic():
        for code, headroom, cuts in TARGET_PLANS:
            figures = {
                key: sum(sums.get(code, {}).get(column, 0) for column in names)
                for key, names in TARGET_COLUMNS.items()
            }
            bases = {
                f"{key}_base": _drawn_base(figures[key], TARGET_CUTS[key], cuts[key], share)
                for key in TARGET_CUTS
            }
            target_set(
                actor=supervisor,
                unit=units[code],
                year=today.year,
                batch_ceiling=math.ceil(max(figures["batches"], 10) / share * headroom),
                **{f"{key}_cut": cut for key, cut in TARGET_CUTS.items()},
                **bases,
                note="市信访工作联席会议确定；上年基数按上年信访统计录入。",
            )
        weights_set(actor=supervisor, unit=units[CITY], year=today.year, weights=DEMO_WEIGHTS)
    out.write(
        f"Targets demo: {len(TARGET_PLANS)} districts' targets for {today.year} and the "
        "city's assessment weights."
    )


def _drawn_base(actual: int, cut: int, plan: str, share: Fraction) -> int:
    """Last year's figure such that `actual` so far stands as `plan` says against it."""
    keep = 1 - cut / 100
    if plan == "over":
        # The year's allowance (base × keep) already passed.
        return max(0, math.floor((actual - 1) / keep))
    if plan == "behind":
        # Within the year's allowance, over what it allows by today.
        return math.ceil(max(actual, 2) / keep)
    # Ahead: what is allowed by today is well above the figure.
    return math.ceil((actual + 3) / (share * keep)) + 2
