"""Demo leader reception on top of `seed_demo` (SCENARIOS.md S5): the city leader receives
every Thursday, the 江北区 leader on the 10th of each month and every Monday; S5's substitute
teacher and two other petitioners are booked into the next days with their notices issued and
a department's preliminary opinion; the city leader's field visit last week. Made through the
services; a rerun adds nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from cases.models import CLOSED_STATUSES, Case
from reception.appointments.services.booking import appointment_book
from reception.appointments.services.opinions import opinion_write
from reception.models import Appointment, FieldVisit, ReceptionSchedule
from reception.notices.services import notices_issue
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


def seed_reception_demo(out) -> None:
    if ReceptionSchedule.objects.exists():
        out.write("Reception demo: already there.")
        return
    with transaction.atomic():
        schedules = _schedules()
        booked = _appointments(schedules)
        visit = _field_visit()
    out.write(
        f"Reception demo: {len(schedules)} reception schedules; {booked} appointments booked "
        f"with their notices; field visit {visit}."
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
