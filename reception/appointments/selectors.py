"""Reads of appointments (约访): who sees which, a case's parties who may come, the days a
clerk may book into, a case's appointments, one appointment with everything its page shows,
and a reception day's sheet. Each in a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.selectors import acted_unit_ids, jurisdiction_path
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.selectors.accusations import hidden_from, not_accused
from petitions.models import Petition, PetitionerRole, PetitionPetitioner

from ..models import (
    Appointment,
    AppointmentPetitioner,
    PreliminaryOpinion,
    ReceptionSchedule,
)
from ..permissions import can_book
from ..selectors import DayView, reception_days, schedules_visible_to

BOOKING_HORIZON_DAYS = 60


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    """Appointments of cases the user sees, of the user's own reception days (a leader), and
    of days their unit attends (it writes a preliminary opinion); never one of a case that
    accuses the user's unit or a unit above it (Art. 30)."""
    if not user.is_authenticated:
        return Appointment.objects.none()
    attending = Appointment.objects.filter(attending_units__in=acted_unit_ids(user)).values("pk")
    return Appointment.objects.filter(
        Q(case__in=cases_visible_to(user).values("pk"))
        | Q(day__schedule__leader=user)
        | Q(pk__in=attending)
    ).exclude(hidden_from(user, prefix="case__"))


def leader_serves(schedule: ReceptionSchedule, case: Case) -> bool:
    """Whether the matter of `case` lies in the area the schedule's unit serves (a district's
    leader does not serve another district's matter; the city's leader serves its districts').
    No query when the units are loaded."""
    return case.location_unit.path.startswith(jurisdiction_path(schedule.unit))


def case_attending_units(case: Case) -> list[OrgUnit]:
    """The units that attend a reception of `case` unless the clerk chooses otherwise: its
    owner unit, its assignments' lead units and co-units (in that order, each once); never a
    unit the case accuses (Art. 30). Three queries."""
    units: dict[int, OrgUnit] = {}
    if case.owner_unit_id is not None:
        units[case.owner_unit_id] = case.owner_unit
    assignments = case.assignments.select_related("lead_unit").prefetch_related("co_units")
    for assignment in assignments.order_by("assigned_on", "pk"):
        units.setdefault(assignment.lead_unit_id, assignment.lead_unit)
        for unit in assignment.co_units.all():
            units.setdefault(unit.pk, unit)
    return not_accused(case, [unit for unit in units.values() if unit.is_active])


def units_taking_part(case: Case, unit_ids: QuerySet) -> QuerySet[OrgUnit]:
    """The units among `unit_ids` that take part in a reception of the case (its leader's
    unit, an attending unit), and so see its appointment (registered with
    `cases.selectors.accusations.register_participation`: an accusation against such a unit
    does not join the case)."""
    appointments = Appointment.objects.filter(case=case)
    return OrgUnit.objects.filter(pk__in=unit_ids).filter(
        Q(pk__in=appointments.values("attending_units"))
        | Q(pk__in=appointments.values("day__schedule__leader__org_unit"))
    )


def _with_listing(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related(
        "day__schedule__leader", "day__schedule__unit", "case", "booked_by"
    ).prefetch_related(
        Prefetch(
            "petitioners",
            queryset=AppointmentPetitioner.objects.select_related("petitioner").order_by("pk"),
        ),
        Prefetch(
            "opinions",
            queryset=PreliminaryOpinion.objects.select_related("unit", "written_by").order_by(
                "unit__path"
            ),
        ),
        Prefetch("attending_units", queryset=OrgUnit.objects.order_by("code")),
    )


def appointment_list(*, user: User) -> QuerySet[Appointment]:
    """The appointments `user` sees, latest day first, with what a list shows (a constant
    number of queries)."""
    return _with_listing(appointments_visible_to(user)).order_by("-day__date", "slot", "pk")


def appointment_detail(*, user: User, pk: int) -> Appointment:
    """The appointment `pk` if `user` sees it (raises Appointment.DoesNotExist otherwise),
    with its day, schedule, case, petitioners, opinions and record loaded."""
    appointment = (
        _with_listing(appointments_visible_to(user))
        .select_related("case__owner_unit", "case__sponsoring_leader")
        .get(pk=pk)
    )
    appointment.record_or_none = _record_of(appointment)  # type: ignore[attr-defined]
    return appointment


def _record_of(appointment: Appointment):
    try:
        return appointment.record
    except Appointment.record.RelatedObjectDoesNotExist:
        return None


def case_appointments(case) -> list[Appointment]:
    """Every appointment of `case`, latest day first (one query)."""
    return list(
        Appointment.objects.filter(case=case)
        .select_related("day__schedule__leader")
        .order_by("-day__date", "-pk")
    )


# --- the case's parties -------------------------------------------------------------------------


def case_parties(case) -> list[PetitionPetitioner]:
    """The people registered on the case's petitions, each once (as first registered),
    principal of the first petition first (one query)."""
    parties = (
        PetitionPetitioner.objects.filter(petition__case=case)
        .select_related("petitioner", "petition")
        .order_by("petition__received_at", "petition__pk", "position", "pk")
    )
    seen: set[int] = set()
    unique = []
    for party in parties:
        if party.petitioner_id not in seen:
            seen.add(party.petitioner_id)
            unique.append(party)
    return unique


def principal_of(parties: list[PetitionPetitioner]) -> PetitionPetitioner | None:
    """The principal petitioner of the first petition (or its first party)."""
    if not parties:
        return None
    first_petition = parties[0].petition_id
    for party in parties:
        if party.petition_id == first_petition and party.role == PetitionerRole.PRINCIPAL:
            return party
    return parties[0]


def case_is_group(case) -> bool:
    return Petition.objects.filter(case=case, is_group=True).exists()


# --- bookable days --------------------------------------------------------------------------


def bookable_schedules(user: User) -> list[ReceptionSchedule]:
    """The active schedules the user may book into (one query)."""
    return [
        schedule
        for schedule in schedules_visible_to(user).filter(is_active=True)
        if can_book(user, schedule)
    ]


def bookable_days(
    *, user: User, today: datetime.date, horizon: int = BOOKING_HORIZON_DAYS
) -> list[DayView]:
    """The open reception days from `today` for `horizon` days, of the schedules the user may
    book into, that still have a free slot."""
    schedules = bookable_schedules(user)
    days = reception_days(
        schedules=schedules, start=today, end=today + datetime.timedelta(days=horizon)
    )
    return [day for day in days if day.is_open and day.free > 0]


def slot_time(schedule: ReceptionSchedule, slot: int) -> datetime.time:
    """When slot `slot` (1, 2, …) begins, the window shared out evenly between the slots."""
    start = datetime.datetime.combine(datetime.date(2000, 1, 1), schedule.start_time)
    end = datetime.datetime.combine(datetime.date(2000, 1, 1), schedule.end_time)
    step = max(end - start, datetime.timedelta(0)) / max(schedule.slots, 1)
    begin = start + step * (slot - 1)
    return begin.time().replace(second=0, microsecond=0)


# --- the day's sheet ------------------------------------------------------------------------


def sheet_schedule(*, user: User, pk: int) -> ReceptionSchedule | None:
    """The schedule `pk` if the user may see its days' sheets: it is in their area, theirs
    (the leader's), or their unit attends it."""
    attending = ReceptionSchedule.objects.filter(
        Q(attending_units__in=acted_unit_ids(user))
        | Q(
            pk__in=Appointment.objects.filter(attending_units__in=acted_unit_ids(user)).values(
                "day__schedule"
            )
        )
    ).distinct()
    visible = schedules_visible_to(user).filter(pk=pk).first()
    if visible is None:
        visible = attending.select_related("leader", "unit").filter(pk=pk).first()
    return visible


@dataclass
class SheetRow:
    """One appointment on a day's sheet with its case's brief."""

    appointment: Appointment
    time: datetime.time
    category: str
    history: int
    petitioners: list = field(default_factory=list)


def day_sheet(*, user: User, schedule: ReceptionSchedule, date: datetime.date) -> list[SheetRow]:
    """The active and recorded appointments of `schedule` on `date` that `user` sees, in slot
    order, each with its case's brief (category, number of petitions, petitioners, opinions).
    A constant number of queries whatever the number of appointments."""
    appointments = list(
        _with_listing(appointments_visible_to(user))
        .filter(day__schedule=schedule, day__date=date)
        .exclude(status="cancelled")
        .select_related("case__sponsoring_leader", "case__owner_unit")
        .annotate(history=Count("case__petitions", distinct=True))
        .order_by("slot", "pk")
    )
    categories = _first_categories([a.case_id for a in appointments])
    return [
        SheetRow(
            appointment=a,
            time=slot_time(schedule, a.slot),
            category=categories.get(a.case_id, ""),
            history=a.history,
            petitioners=[p for p in a.petitioners.all() if p.active],
        )
        for a in appointments
    ]


def _first_categories(case_ids: list[int]) -> dict[int, str]:
    """The category of each case's first petition (one query)."""
    categories: dict[int, str] = {}
    rows = (
        Petition.objects.filter(case_id__in=case_ids)
        .select_related("category__parent")
        .order_by("case_id", "received_at", "pk")
    )
    for petition in rows:
        categories.setdefault(petition.case_id, str(petition.category))
    return categories
