"""Reads for the four notices (四书): who issues them, which units attend, who may open which
notice, and everything a notice shows, in a bounded number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgUnit, User
from accounts.selectors import acts_for, unit_in_scope
from cases.selectors import cases_visible_to
from cases.selectors.accusations import not_accused
from core.workcalendar import load_calendar

from ..models import (
    Appointment,
    AppointmentStatus,
    DayStatus,
    NoticeKind,
    PreliminaryOpinion,
    ReceptionNotice,
    ReceptionRecord,
    ReceptionSchedule,
)
from ..permissions import can_book

APPOINTMENT_RELATED = (
    "day__schedule__leader__org_unit",
    "day__schedule__unit",
    "case__owner_unit",
    "case__sponsoring_leader",
)


def issuing_unit_of(schedule: ReceptionSchedule) -> OrgUnit:
    """The unit whose name and numbers the notices carry: the petition office of the
    schedule's unit (it keeps the leaders' reception calendar), else the unit itself."""
    unit = schedule.unit
    if unit.kind == OrgKind.PETITION_OFFICE:
        return unit
    office = (
        OrgUnit.objects.filter(parent=unit, kind=OrgKind.PETITION_OFFICE, is_active=True)
        .order_by("pk")
        .first()
    )
    return office or unit


def attending_units(appointment: Appointment) -> list[OrgUnit]:
    """The appointment's attending units, by code; never a unit the case accuses, nor one
    below it (Art. 30: the accused do not see the accusation). One query, two on an
    accusation."""
    units = appointment.attending_units.order_by("code")
    return not_accused(appointment.case, units)


def issue_refusal(appointment: Appointment, today: datetime.date) -> str:
    """Why the notices of `appointment` cannot be issued now ("" when they can): the rule
    `services.notices_issue` enforces and the pages use to offer the button."""
    if appointment.status != AppointmentStatus.BOOKED:
        return _("The appointment is %(status)s: its notices can no longer be issued.") % {
            "status": appointment.get_status_display()
        }
    if appointment.day.status != DayStatus.OPEN:
        return _("The reception day is cancelled: its notices cannot be issued.")
    if appointment.day.date < today:
        return _("The reception day has passed: its notices can no longer be issued.")
    return ""


@dataclass
class NoticeAccess:
    """An appointment as one user may see its notices: `area` for reception staff, the
    leader and anyone whose area holds the schedule and the case (every notice), `own_units`
    for an attending unit's users (their unit's notice only); `may_issue` when the user may
    issue the notices (`can_book`)."""

    appointment: Appointment
    units: list[OrgUnit]
    area: bool
    own_units: list[OrgUnit] = field(default_factory=list)
    may_issue: bool = False

    def may_open(self, kind: str, unit: OrgUnit | None = None) -> bool:
        if self.area:
            return True
        return kind == NoticeKind.UNIT and unit is not None and unit in self.own_units

    def unit_by_code(self, code: str) -> OrgUnit | None:
        return next((unit for unit in self.units if unit.code == code), None)


def notice_access(*, user: User, pk: int) -> NoticeAccess:
    """The appointment `pk` with what `user` may see of its notices; raises
    Appointment.DoesNotExist when they may see none (404). Three queries."""
    appointment = Appointment.objects.select_related(*APPOINTMENT_RELATED).get(pk=pk)
    access = access_of(user, appointment)
    if not access.area and not access.own_units:
        raise Appointment.DoesNotExist
    return access


def access_of(user: User, appointment: Appointment) -> NoticeAccess:
    """What `user` may see of the notices of `appointment` (its day, schedule and case
    loaded): possibly nothing (two queries)."""
    schedule = appointment.day.schedule
    units = attending_units(appointment)
    # The leader receives the petitioner: every notice of their own appointments, whether or
    # not the case is otherwise theirs to see (booking refuses a leader the case accuses).
    own = schedule.leader_id == user.pk
    area = own or (
        unit_in_scope(user, schedule.unit)
        and cases_visible_to(user).filter(pk=appointment.case_id).exists()
    )
    return NoticeAccess(
        appointment=appointment,
        units=units,
        area=area,
        own_units=[unit for unit in units if acts_for(user, unit)],
        may_issue=area and can_book(user, schedule),
    )


def issued_notices(appointment: Appointment) -> list[ReceptionNotice]:
    """The notices issued for an appointment (one query)."""
    return list(ReceptionNotice.objects.filter(appointment=appointment).order_by("pk"))


def find_notice(
    notices: list[ReceptionNotice], kind: str, unit: OrgUnit | None
) -> ReceptionNotice | None:
    unit_id = unit.pk if unit is not None else None
    return next((n for n in notices if n.kind == kind and n.unit_id == unit_id), None)


def supervision_notice_of(appointment: Appointment):
    """The supervision notice the reception's record issued, if any (one query)."""
    record = (
        ReceptionRecord.objects.filter(appointment=appointment, supervision_notice__isnull=False)
        .select_related("supervision_notice__unit")
        .first()
    )
    return record.supervision_notice if record is not None else None


def appointment_petitioners(appointment: Appointment) -> list:
    """The petitioners who come (the active ones), in booking order (one query)."""
    return [
        row.petitioner
        for row in appointment.petitioners.filter(active=True)
        .select_related("petitioner")
        .order_by("pk")
    ]


def opinions_of(appointment: Appointment) -> list[PreliminaryOpinion]:
    return list(appointment.opinions.select_related("unit").order_by("unit__code"))


def workday_before(day: datetime.date) -> datetime.date:
    """The last workday before `day` (one query, for the admin's calendar overrides)."""
    calendar = load_calendar(day - datetime.timedelta(days=20), day)
    before = day - datetime.timedelta(days=1)
    for _attempt in range(20):
        if calendar.is_workday(before):
            return before
        before -= datetime.timedelta(days=1)
    return day - datetime.timedelta(days=1)
