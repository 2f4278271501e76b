"""The work calendar and the one function that computes every due date (DESIGN §2).

Each day is a workday or a rest day, decided by the first of:

1. an admin override (`CalendarDay`): a rest day or a make-up workday (调休);
2. the `chinese-calendar` package, for the years it knows (the official schedules);
3. for a year it does not know whose official schedule an admin has loaded (`CalendarYear`
   marked official): weekends are rest days, the admin's days (1.) being the schedule;
4. for any other year, a *provisional* guess: weekends plus the statutory holidays of the
   `holidays` package, with the days it marks "observed" (a holiday on a weekend is made up on
   the next workday, as China's schedules do) and any make-up workdays it knows.

A day decided by 4. is provisional, and so is every due date whose computation looked at one:
it may move once the State Council publishes the year's schedule and an admin enters it. The
calendar never raises for a year either package lacks.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import chinese_calendar
import holidays
from django.apps import apps
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


@functools.cache
def provisional_days(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """The rest days and make-up workdays the `holidays` package gives for `year`.

    Its China calendar has the statutory holidays of any year (the lunar ones computed) and,
    for a day that falls on a weekend, an "observed" day off on the next workday: China's
    schedules give those days off too (by moving workdays around), so they count as rest days.
    Make-up workdays it knows only for years with an official schedule. Empty, never an error,
    for a year it cannot compute."""
    try:
        china = holidays.China(years=year)
        rest = frozenset(day for day in china if day.year == year)
        work = frozenset(day for day in getattr(china, "weekend_workdays", ()) if day.year == year)
    except Exception:  # a due date must never fail on a holiday list
        return frozenset(), frozenset()
    return rest - work, work


class Due(NamedTuple):
    """A due date, and whether it depends on a provisional day (see the module docstring)."""

    on: datetime.date
    provisional: bool


class WorkCalendar:
    """Which days are workdays, given the admin overrides for the dates concerned and the
    years whose official schedule an admin has loaded (`official_years`)."""

    def __init__(
        self,
        overrides: Mapping[datetime.date, bool] | None = None,
        official_years: Iterable[int] = (),
    ) -> None:
        self.overrides = dict(overrides or {})
        self.official_years = frozenset(official_years)

    def year_is_provisional(self, year: int) -> bool:
        """Neither the package nor an admin-loaded official schedule covers `year`."""
        return not package_knows_year(year) and year not in self.official_years

    def is_provisional(self, day: datetime.date) -> bool:
        """Whether whether `day` is a workday is only a guess (no override, provisional year)."""
        return day not in self.overrides and self.year_is_provisional(day.year)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_knows_year(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self.official_years:
            rest, work = provisional_days(day.year)
            if day in rest:
                return False
            if day in work:
                return True
        return day.weekday() < 5

    def next_workday_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def due(self, start: datetime.date, days: int, counting: str) -> Due:
        """The due date `days` after `start` (the start day itself is not counted), and
        whether it depends on a provisional day.

        Calendar days: the last day, if a rest day, moves to the next workday; only the days
        from that last day to the due date are looked at, so only they can make it
        provisional. Workdays: the `days`-th workday after `start`; every day after `start`
        up to the due date counts, so any of them can.
        """
        if days < 0:
            raise ValueError("A period cannot be negative.")
        if counting == Counting.CALENDAR_DAYS:
            first = start + datetime.timedelta(days=days)
            day = self.next_workday_on_or_after(first)
        elif counting == Counting.WORKDAYS:
            day, counted = start, 0
            while counted < days:
                day += ONE_DAY
                if self.is_workday(day):
                    counted += 1
            first = start + ONE_DAY
        else:
            raise ValueError(f"Unknown counting {counting!r}.")
        return Due(day, self.depends_on_provisional(first, day))

    def depends_on_provisional(self, first: datetime.date, last: datetime.date) -> bool:
        """Whether any day from `first` to `last` (inclusive) is provisional."""
        if not any(self.year_is_provisional(year) for year in range(first.year, last.year + 1)):
            return False
        day = first
        while day <= last:
            if self.is_provisional(day):
                return True
            day += ONE_DAY
        return False

    def add_period(self, start: datetime.date, days: int, counting: str) -> datetime.date:
        """The due date `days` after `start` (the start day itself is not counted).

        Calendar days: the last day, if a rest day, moves to the next workday.
        Workdays: the `days`-th workday after `start`.
        """
        return self.due(start, days, counting).on


def _calendar_models():
    """The admin's calendar rows (`accounts.CalendarDay`, `accounts.CalendarYear`), looked up
    in the app registry: the calendar's rules sit below the apps that store them."""
    return apps.get_model("accounts", "CalendarDay"), apps.get_model("accounts", "CalendarYear")


def load_calendar(start: datetime.date, end: datetime.date) -> WorkCalendar:
    """A calendar with the admin overrides between `start` and `end` loaded (one query), and
    the official years among them (a second query, only when the range reaches a year the
    package does not know)."""
    CalendarDay, CalendarYear = _calendar_models()
    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    unknown = [y for y in range(start.year, end.year + 1) if not package_knows_year(y)]
    official = (
        CalendarYear.objects.filter(year__in=unknown, official=True).values_list("year", flat=True)
        if unknown
        else ()
    )
    return WorkCalendar(dict(rows), official_years=official)


def calendar_for_period(start: datetime.date, days: int) -> WorkCalendar:
    """A calendar wide enough for any period of `days` after `start`."""
    # Wide enough for the longest run of rest days (Spring Festival) after any period.
    return load_calendar(start, start + datetime.timedelta(days=days * 2 + 40))


def due(start: datetime.date, days: int, counting: str = Counting.CALENDAR_DAYS) -> Due:
    """`due_date`, and whether the date depends on a provisional day (`WorkCalendar.due`)."""
    return calendar_for_period(start, days).due(start, days, counting)


def due_date(
    start: datetime.date, days: int, counting: str = Counting.CALENDAR_DAYS
) -> datetime.date:
    """The one due-date function of the project: `days` after `start` on the work calendar."""
    return due(start, days, counting).on


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


class YearKind(models.TextChoices):
    PACKAGE = "package", _("Official (chinese-calendar)")
    OFFICIAL = "official", _("Official (loaded by an admin)")
    PROVISIONAL = "provisional", _("Provisional")


@dataclass(frozen=True)
class YearStatus:
    """Where a year's rest days come from, for the admin calendar page."""

    year: int
    kind: str
    source: str = ""
    # Provisional years: the holidays assumed, as runs of consecutive days (first, last).
    holidays: tuple[tuple[datetime.date, datetime.date], ...] = ()

    @property
    def label(self) -> str:
        return str(YearKind(self.kind).label)

    @property
    def is_provisional(self) -> bool:
        return self.kind == YearKind.PROVISIONAL


def _runs(days: Iterable[datetime.date]) -> tuple[tuple[datetime.date, datetime.date], ...]:
    runs: list[tuple[datetime.date, datetime.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == ONE_DAY:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return tuple(runs)


def year_statuses(years: Iterable[int]) -> list[YearStatus]:
    """For each of `years`: package-known, official (loaded by an admin) or provisional, with
    the notice it came from or the holidays assumed (one query)."""
    _day, CalendarYear = _calendar_models()
    years = sorted(set(years))
    rows = {row.year: row for row in CalendarYear.objects.filter(year__in=years)}
    statuses = []
    for year in years:
        row = rows.get(year)
        if package_knows_year(year):
            statuses.append(YearStatus(year, YearKind.PACKAGE))
        elif row is not None and row.official:
            statuses.append(YearStatus(year, YearKind.OFFICIAL, source=row.source))
        else:
            rest, _work = provisional_days(year)
            statuses.append(YearStatus(year, YearKind.PROVISIONAL, holidays=_runs(rest)))
    return statuses


def provisional_years(years: Iterable[int]) -> list[int]:
    """Those of `years` whose rest days are provisional: the package does not know them and
    no admin has loaded their official schedule."""
    return [status.year for status in year_statuses(years) if status.is_provisional]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (earlier when negative), or the month's
    last day when it has fewer days (31 March − 1 month = 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the current (Shanghai) time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
