"""Reads of the reception app, scoped by the user's units.

Core (used by every part): which schedules a user sees, and the reception days of a date
range, computed from the schedules and overlaid with the day rows (cancellations,
replacement days) and the booked counts, in a constant number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.selectors import units_visible_to

from .models import (
    ACTIVE_APPOINTMENTS,
    DayStatus,
    ReceptionDay,
    ReceptionSchedule,
)
from .recurrence import calendar_for, occurrences


def schedules_visible_to(user: User) -> QuerySet[ReceptionSchedule]:
    """Schedules of leaders whose unit lies in the user's area, and the user's own."""
    return ReceptionSchedule.objects.filter(
        Q(unit__in=units_visible_to(user)) | Q(leader=user)
    ).select_related("leader", "unit")


@dataclass
class DayView:
    """One reception day of one schedule, as the calendar, the booking form and the API show
    it. `row` is the stored day, if anything has happened on it."""

    schedule: ReceptionSchedule
    date: datetime.date
    moved_from: tuple[datetime.date, ...]
    status: str
    booked: int
    row: ReceptionDay | None = None
    reason: str = ""

    @property
    def leader(self) -> User:
        return self.schedule.leader

    @property
    def slots(self) -> int:
        return self.schedule.slots

    @property
    def free(self) -> int:
        return 0 if self.status == DayStatus.CANCELLED else max(self.slots - self.booked, 0)

    @property
    def is_open(self) -> bool:
        return self.status == DayStatus.OPEN


def _in_force(schedule: ReceptionSchedule, day: datetime.date) -> bool:
    return schedule.valid_from <= day and (
        schedule.valid_until is None or day <= schedule.valid_until
    )


def reception_days(
    *,
    schedules: QuerySet[ReceptionSchedule] | list[ReceptionSchedule],
    start: datetime.date,
    end: datetime.date,
) -> list[DayView]:
    """Every reception day of `schedules` from `start` to `end`, in date order: the computed
    days (moved past rest days), cancelled ones marked with their reason, replacement days
    added, each with its booked count. Two queries whatever the range and the number of
    schedules (plus the schedules' own, when given a queryset)."""
    schedules = [s for s in schedules if s.is_active]
    work = calendar_for(start, end)
    rows = {
        (row.schedule_id, row.date): row
        for row in ReceptionDay.objects.filter(
            schedule__in=[s.pk for s in schedules], date__range=(start, end)
        ).annotate(
            booked=Count("appointments", filter=Q(appointments__status__in=ACTIVE_APPOINTMENTS))
        )
    }
    views: list[DayView] = []
    for schedule in schedules:
        numbers = schedule.weekdays if schedule.kind == "weekly" else schedule.days
        computed = {
            o.date: o
            for o in occurrences(schedule.kind, numbers, start, end, work)
            if _in_force(schedule, o.date)
        }
        replacements = {
            day for (pk, day), row in rows.items() if pk == schedule.pk and row.replaces_id
        }
        for day in sorted(set(computed) | replacements):
            row = rows.get((schedule.pk, day))
            views.append(
                DayView(
                    schedule=schedule,
                    date=day,
                    moved_from=computed[day].moved_from if day in computed else (),
                    status=row.status if row else DayStatus.OPEN,
                    booked=row.booked if row else 0,
                    row=row,
                    reason=row.reason if row else "",
                )
            )
    views.sort(key=lambda view: (view.date, view.schedule.start_time, view.schedule.pk))
    return views


def reception_day_on(schedule: ReceptionSchedule, day: datetime.date) -> DayView | None:
    """The schedule's reception day on `day`, if it has one (computed or a replacement);
    cancelled days are returned too, marked so."""
    found = reception_days(schedules=[schedule], start=day, end=day)
    return found[0] if found else None
