"""The work calendar and the one function that computes every due date (DESIGN §2).

Rest days and make-up workdays (调休) come from the `chinese-calendar` package for the years
it knows, then from admin overrides (`CalendarDay`), which win. For a year the package does not
know, the calendar falls back to weekends plus the overrides, and never raises.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Mapping

import chinese_calendar
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ONE_DAY = datetime.timedelta(days=1)


class Counting(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("Calendar days (last day moved past rest days)")
    WORKDAYS = "workdays", _("Workdays")


@functools.cache
def package_knows_year(year: int) -> bool:
    """Whether the installed chinese-calendar has the official holiday list for `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Which days are workdays, given the admin overrides for the dates concerned."""

    def __init__(self, overrides: Mapping[datetime.date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_knows_year(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def next_workday_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_period(self, start: datetime.date, days: int, counting: str) -> datetime.date:
        """The due date `days` after `start` (the start day itself is not counted).

        Calendar days: the last day, if a rest day, moves to the next workday.
        Workdays: the `days`-th workday after `start`.
        """
        if days < 0:
            raise ValueError("A period cannot be negative.")
        if counting == Counting.CALENDAR_DAYS:
            return self.next_workday_on_or_after(start + datetime.timedelta(days=days))
        if counting == Counting.WORKDAYS:
            day, counted = start, 0
            while counted < days:
                day += ONE_DAY
                if self.is_workday(day):
                    counted += 1
            return day
        raise ValueError(f"Unknown counting {counting!r}.")


def load_calendar(start: datetime.date, end: datetime.date) -> WorkCalendar:
    """A calendar with the admin overrides between `start` and `end` loaded (one query)."""
    from .models import CalendarDay

    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    return WorkCalendar(dict(rows))


def due_date(
    start: datetime.date, days: int, counting: str = Counting.CALENDAR_DAYS
) -> datetime.date:
    """The one due-date function of the project: `days` after `start` on the work calendar."""
    # Wide enough for the longest run of rest days (Spring Festival) after any period.
    horizon = start + datetime.timedelta(days=days * 2 + 40)
    return load_calendar(start, horizon).add_period(start, days, counting)


def overdue_since(today: datetime.date, workdays: int) -> datetime.date:
    """The latest due date that is at least `workdays` workdays overdue on `today`: the
    inverse of `due_date(…, Counting.WORKDAYS)` (a clock due on or before it has
    `due_date(due, workdays, WORKDAYS) <= today`)."""
    calendar = load_calendar(today - datetime.timedelta(days=workdays * 2 + 40), today)
    day, counted = today, 0
    while counted < workdays:
        if calendar.is_workday(day):
            counted += 1
        day -= ONE_DAY
    return day


def is_workday(day: datetime.date) -> bool:
    return load_calendar(day, day).is_workday(day)


def years_lacking_holiday_list(years: list[int]) -> list[int]:
    """Years the package does not know and for which no admin rest day has been entered."""
    from .models import CalendarDay

    unknown = [year for year in years if not package_knows_year(year)]
    entered = set(
        CalendarDay.objects.filter(date__year__in=unknown, is_workday=False).dates("date", "year")
    )
    entered_years = {d.year for d in entered}
    return [year for year in unknown if year not in entered_years]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (earlier when negative), or the month's
    last day when it has fewer days (31 March − 1 month = 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the current (Shanghai) time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
