"""Reads of schedules and reception days: the schedules a user sees, the leaders a user may
keep a calendar for, a month's calendar of everybody's reception days, and a leader's coming
days with their bookings. Each in a constant number of queries, whatever the number of
schedules, days and bookings."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import units_visible_to

from ..models import (
    ACTIVE_APPOINTMENTS,
    Appointment,
    AppointmentPetitioner,
    AppointmentStatus,
    ReceptionDay,
    ReceptionSchedule,
)
from ..recurrence import calendar_for
from ..selectors import DayView, reception_days, schedules_visible_to

UPCOMING_DAYS = 60


def schedule_list(*, user: User, leader: str = "") -> QuerySet[ReceptionSchedule]:
    """The schedules `user` sees (optionally one leader's, by username), current ones first,
    with their attending units (two queries)."""
    queryset = schedules_visible_to(user).select_related("leader__org_unit")
    if leader:
        queryset = queryset.filter(leader__username=leader)
    return queryset.prefetch_related("attending_units").order_by(
        "leader__username", "-is_active", "-valid_from", "-pk"
    )


def schedule_detail(*, user: User, pk: int) -> ReceptionSchedule:
    """One schedule the user sees; `ReceptionSchedule.DoesNotExist` otherwise."""
    return schedule_list(user=user).get(pk=pk)


def leaders_for_schedules(user: User) -> QuerySet[User]:
    """The leaders whose schedules `user` may keep: every active leader of the user's area
    for reception staff and administrators, otherwise a leader's own."""
    leaders = User.objects.filter(is_active=True, groups__name=Role.LEADER).select_related(
        "org_unit"
    )
    if user.has_role(Role.RECEPTION, Role.ADMIN):
        leaders = leaders.filter(Q(org_unit__in=units_visible_to(user)) | Q(pk=user.pk))
    else:
        leaders = leaders.filter(pk=user.pk)
    return leaders.distinct().order_by("org_unit__path", "last_name", "first_name", "username")


def leaders_with_schedules(user: User) -> list[User]:
    """The leaders whose reception days the user sees (for the calendar's filter)."""
    seen: dict[int, User] = {}
    for schedule in schedules_visible_to(user).filter(is_active=True).order_by("leader__username"):
        seen.setdefault(schedule.leader_id, schedule.leader)
    return list(seen.values())


# --- the month calendar -----------------------------------------------------------------------


@dataclass
class CalendarCell:
    date: datetime.date
    in_month: bool
    is_today: bool
    is_workday: bool
    days: list[DayView] = field(default_factory=list)


@dataclass
class MonthCalendar:
    month: datetime.date  # the first of the month
    weeks: list[list[CalendarCell]]
    # For a replacement day: the date of the day it replaces (by the replacement's row id).
    replaced_dates: dict[int, datetime.date]

    @property
    def previous(self) -> datetime.date:
        return (self.month - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        last = calendar.monthrange(self.month.year, self.month.month)[1]
        return self.month.replace(day=last) + datetime.timedelta(days=1)

    @property
    def day_count(self) -> int:
        return sum(len(cell.days) for week in self.weeks for cell in week if cell.in_month)


def replaced_dates(views: list[DayView]) -> dict[int, datetime.date]:
    """The dates the replacement days among `views` stand for (one query, none if there are
    no replacement days)."""
    wanted = {
        view.row.replaces_id: view.row.pk for view in views if view.row and view.row.replaces_id
    }
    if not wanted:
        return {}
    rows = ReceptionDay.objects.filter(pk__in=wanted).values_list("pk", "date")
    return {wanted[pk]: date for pk, date in rows}


def month_calendar(
    *, user: User, month: datetime.date, leader: str = "", today: datetime.date
) -> MonthCalendar:
    """The weeks (Monday first) around `month` with every reception day of the schedules
    `user` sees (optionally one leader's, by username): five queries whatever the number of
    schedules and days."""
    first = month.replace(day=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    schedules = schedules_visible_to(user).select_related("leader__org_unit")
    if leader:
        schedules = schedules.filter(leader__username=leader)
    views = reception_days(schedules=list(schedules), start=start, end=end)
    work = calendar_for(start, end)
    by_date: dict[datetime.date, list[DayView]] = defaultdict(list)
    for view in views:
        by_date[view.date].append(view)
    grid = [
        [
            CalendarCell(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                is_workday=work.is_workday(day),
                days=by_date.get(day, []),
            )
            for day in week
        ]
        for week in weeks
    ]
    return MonthCalendar(month=first, weeks=grid, replaced_dates=replaced_dates(views))


# --- a leader's coming days -------------------------------------------------------------------


@dataclass
class UpcomingDay:
    view: DayView
    appointments: list[Appointment]
    replaces: datetime.date | None = None


def upcoming_days(
    *, leader: User, today: datetime.date, days: int = UPCOMING_DAYS
) -> list[UpcomingDay]:
    """The leader's reception days from today for `days` days (cancelled ones included),
    each with its booked appointments in slot order, their cases and petitioners: five
    queries whatever the number of days and bookings."""
    end = today + datetime.timedelta(days=days)
    schedules = ReceptionSchedule.objects.filter(leader=leader).select_related(
        "leader__org_unit", "unit"
    )
    views = reception_days(schedules=list(schedules), start=today, end=end)
    row_ids = [view.row.pk for view in views if view.row is not None]
    by_day: dict[int, list[Appointment]] = defaultdict(list)
    if row_ids:
        appointments = (
            Appointment.objects.filter(day__in=row_ids, status__in=ACTIVE_APPOINTMENTS)
            .select_related("case")
            .prefetch_related(
                Prefetch(
                    "petitioners",
                    queryset=AppointmentPetitioner.objects.filter(active=True)
                    .select_related("petitioner")
                    .order_by("pk"),
                )
            )
            .order_by("slot")
        )
        for appointment in appointments:
            by_day[appointment.day_id].append(appointment)
    replaced = replaced_dates(views)
    return [
        UpcomingDay(
            view=view,
            appointments=by_day.get(view.row.pk, []) if view.row else [],
            replaces=replaced.get(view.row.pk) if view.row else None,
        )
        for view in views
    ]


# --- the list of reception days ---------------------------------------------------------------


def day_list(*, user: User) -> QuerySet[ReceptionDay]:
    """The stored reception days of the schedules `user` sees, latest first: a day is stored
    once something happened on it (a booking, a cancellation, a replacement), so every day
    held is here. Each with its leader and unit, the appointments booked (still booked or
    attended), attended, and the petitioners received on them (人次): one query a page."""
    attended = Q(appointments__status=AppointmentStatus.ATTENDED)
    return (
        ReceptionDay.objects.filter(schedule__in=schedules_visible_to(user).values("pk"))
        .select_related("schedule__leader__org_unit", "schedule__unit")
        .annotate(
            booked=Count(
                "appointments",
                filter=Q(appointments__status__in=ACTIVE_APPOINTMENTS),
                distinct=True,
            ),
            attended=Count("appointments", filter=attended, distinct=True),
            received=Count(
                "appointments__petitioners",
                filter=attended & Q(appointments__petitioners__active=True),
                distinct=True,
            ),
        )
        .order_by("-date", "schedule__start_time", "pk")
    )
