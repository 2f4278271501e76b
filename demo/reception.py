"""Demo leader reception on top of `seed_demo` (SCENARIOS.md S5): the city leader receives
every Thursday, the 江北区 leader on the 10th of each month and every Monday; S5's substitute
teacher and two other petitioners are booked into the next days with their notices issued and
a department's preliminary opinion; the city leader's field visit last week. The schedules
began ten weeks ago, and on their past days the leaders received petitioners: some matters
resolved on the spot, others handed to the unit responsible with a time limit, one petitioner
who did not come. Made through the services; a rerun adds nothing."""

from __future__ import annotations

import datetime

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from cases.models import CLOSED_STATUSES, WORKING_STATUSES, Case
from core.exceptions import Conflict, NotAllowed, ValidationError
from notifications.models import Notification
from reception.appointments.services.booking import appointment_book
from reception.appointments.services.opinions import opinion_write
from reception.models import Appointment, FieldVisit, ReceptionSchedule
from reception.notices.services import notices_issue
from reception.records.services import reception_record
from reception.schedules.services.schedules import schedule_create
from reception.selectors import reception_days
from reception.visits.services import field_visit_record

from .seed import story_cases

SCHEDULES = [
    # leader, kind, numbers, from, to, place, slots, attending units
    ("leader1", "weekly", [4], (9, 0), (11, 30), "江州市信访局一楼接待大厅", 6, ["JZRSJ", "JZJYJ"]),
    (
        "jzd2-leader",
        "monthly",
        [10],
        (9, 0),
        (12, 0),
        "江北区信访局接待室",
        8,
        ["JZD2JYJ", "JZD2RSJ"],
    ),
    ("jzd2-leader", "weekly", [1], (14, 30), (17, 0), "江北区信访局接待室", 4, ["JZD2JYJ"]),
]
# The schedules began this many weeks ago; the receptions of the last eight are recorded.
SCHEDULES_BEGAN = 10
PAST_WEEKS = 8
ACCOUNTS = [
    "信访人反映工资待遇未落实，要求尽快解决。",
    "信访人反映房屋征收补偿标准偏低，要求重新评估。",
    "信访人反映子女入学问题，要求就近安排。",
    "信访人反映小区噪声扰民，要求相关部门处理。",
]
INSTRUCTION = "请责任单位会同属地街道核实情况，依法依规提出处理意见，限期报告办理结果。"


def seed_reception_demo(out) -> None:
    if ReceptionSchedule.objects.exists():
        out.write("Reception demo: already there.")
        return
    with transaction.atomic():
        schedules = _schedules()
        booked = _appointments(schedules)
        held = _past_receptions(schedules)
        visit = _field_visit()
    out.write(
        f"Reception demo: {len(schedules)} reception schedules; {booked} appointments booked "
        f"with their notices; {held} past receptions recorded; field visit {visit}."
    )


def _user(username: str) -> User:
    return User.objects.select_related("org_unit").get(username=username)


def _schedules() -> list[ReceptionSchedule]:
    clerk = _user("reception1")
    made = []
    for username, kind, numbers, start, end, place, slots, units in SCHEDULES:
        leader = _user(username)
        made.append(
            schedule_create(
                actor=clerk,
                leader=leader,
                kind=kind,
                weekdays=numbers if kind == "weekly" else (),
                days=numbers if kind == "monthly" else (),
                start_time=datetime.time(*start),
                end_time=datetime.time(*end),
                place=place,
                slots=slots,
                attending_units=OrgUnit.objects.filter(code__in=units),
                valid_from=timezone.localdate() - datetime.timedelta(weeks=SCHEDULES_BEGAN),
            )
        )
    return made


def _open_case(numbers: list[str]) -> Case | None:
    return (
        Case.objects.filter(number__in=numbers)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-received_at")
        .first()
    )


def _appointments(schedules: list[ReceptionSchedule]) -> int:
    """S5's teacher and two more petitioners on the next open days (today's excluded)."""
    cases = {code: [number for number, _ in rows] for code, rows in story_cases().items()}
    today = timezone.localdate()
    days = [
        day
        for day in reception_days(
            schedules=schedules,
            start=today + datetime.timedelta(days=1),
            end=today + datetime.timedelta(days=45),
        )
        if day.is_open
    ]
    wanted = [
        ("jzd2-leader", _open_case(cases.get("S5", [])), "jzd2xfj"),
        ("leader1", _open_case(cases.get("C4", [])), "reception1"),
        ("leader1", _open_case(cases.get("S3", [])), "reception1"),
    ]
    booked = 0
    for leader, case, clerk in wanted:
        day = next((d for d in days if d.leader.username == leader), None)
        if case is None or day is None:
            continue
        if Appointment.objects.filter(case=case).exists():
            continue
        booking = appointment_book(
            actor=_user(clerk), case=case, schedule=day.schedule, date=day.date
        )
        notices_issue(actor=_user(clerk), appointment=booking.appointment)
        unit = day.schedule.attending_units.order_by("code").first()
        if unit is not None:
            opinion_write(
                actor=_user(unit.code.lower()),
                appointment=booking.appointment,
                text="经初步核查，信访人反映情况基本属实，建议按政策予以解释并协调解决合理诉求。",
            )
        booked += 1
    return booked


def _past_receptions(schedules: list[ReceptionSchedule]) -> int:
    """On the past days of each schedule over `PAST_WEEKS`, the leader receives the
    petitioner of a case of their area being handled that has no appointment yet. Booking refuses a
    past day, as it must for a clerk; the demo replays each day with the clock set to that
    morning, so the booking, the notices and the record are written as they would have been.
    Some receptions are handed on to a unit below the case's owner, one petitioner does not
    come; a case the services refuse is left out. Returns the receptions made."""
    today = timezone.localdate()
    days = [
        day
        for day in reception_days(
            schedules=schedules,
            start=today - datetime.timedelta(weeks=PAST_WEEKS),
            end=today - datetime.timedelta(days=1),
        )
        if day.is_open
    ]
    taken = set(Appointment.objects.values_list("case", flat=True))
    made = 0
    for day in days:
        leader = day.schedule.leader
        # The third petitioner does not come; every third who comes is handed on, when a
        # case of the day can be (to a unit below its owner: the assignment's rule).
        came = made != 2
        cases = (
            Case.objects.filter(
                owner_unit__path__startswith=leader.org_unit.path,
                received_at__date__lt=day.date - datetime.timedelta(days=7),
                status__in=WORKING_STATUSES,
            )
            # Its timeline runs forward: nothing happened on it from that day on.
            .exclude(events__effective_on__gte=day.date)
            .exclude(pk__in=taken)
            .select_related("owner_unit")
            .order_by("received_at")
        )
        case = None
        if came and made % 3 == 1:
            case = cases.filter(owner_unit__children__is_active=True).first()
        handed_on = case is not None
        case = case or cases.first()
        if case is None:
            continue
        responsible = (
            case.owner_unit.children.filter(is_active=True).order_by("code").first()
            if handed_on
            else None
        )
        taken.add(case.pk)
        clerk = _user("reception1" if leader.username == "leader1" else "jzd2xfj")
        morning = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(8, 30)))
        try:
            with transaction.atomic(), time_machine.travel(morning, tick=False):
                booking = appointment_book(
                    actor=clerk, case=case, schedule=day.schedule, date=day.date
                )
                notices_issue(actor=clerk, appointment=booking.appointment)
                if not came:
                    reception_record(
                        actor=clerk,
                        appointment=booking.appointment,
                        attended=False,
                        account="",
                        instruction="",
                        resolved_on_spot=False,
                    )
                else:
                    reception_record(
                        actor=leader,
                        appointment=booking.appointment,
                        attended=True,
                        account=ACCOUNTS[made % len(ACCOUNTS)],
                        instruction=INSTRUCTION if handed_on else "",
                        resolved_on_spot=not handed_on,
                        responsible_unit=responsible,
                        responsible_person="王科长" if handed_on else "",
                        due_on=day.date + datetime.timedelta(days=15) if handed_on else None,
                    )
        except (Conflict, NotAllowed, ValidationError):
            continue
        made += 1
    # Back-entered like the rest of the demo's history: what it told people then is read.
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    Notification.objects.filter(read_at__isnull=True, created_at__lt=midnight).update(
        read_at=timezone.now()
    )
    return made


def _field_visit() -> str:
    leader = _user("leader1")
    if FieldVisit.objects.filter(leader=leader).exists():
        return "already there"
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(owner_unit__code__startswith="JZD1")
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("received_at")[:2]
    )
    visit = field_visit_record(
        actor=leader,
        leader=leader,
        date=today,
        place="清河区升平街道",
        summary="带案下访，现场听取群众意见，督促街道落实整改。",
        cases=[(case, "现场协调，明确责任单位和办结时限。") for case in cases],
    )
    return f"{visit.date} {visit.place}"
