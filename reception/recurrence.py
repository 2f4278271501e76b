"""When a schedule's reception days fall, for any date range, computed rather than stored.

A nominal day (every Thursday; the 10th, 20th and 30th) that does not exist in a month means
the month's last day; one that falls on a rest day moves to the next workday (逢节假日顺延,
through `core.workcalendar.due_date`, the project's one work-calendar function), and two
nominal days that end up on the same date are one reception day.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.workcalendar import Counting, WorkCalendar, load_calendar

ONE_DAY = datetime.timedelta(days=1)
# The longest run of rest days a nominal day can be moved across (Spring Festival, National
# Day and their weekends): a nominal day this far before a range can still land inside it.
LONGEST_MOVE = datetime.timedelta(days=16)


@dataclass(frozen=True)
class Occurrence:
    date: datetime.date
    # The nominal days that were moved to `date` (empty when `date` is itself nominal).
    moved_from: tuple[datetime.date, ...] = field(default=())


def nominal_days(
    kind: str, numbers: Iterable[int], start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The schedule's days between `start` and `end` before any move: `kind` "weekly" with ISO
    weekday numbers, or "monthly" with days of the month (past the end: the last day)."""
    numbers = sorted(set(numbers))
    days: set[datetime.date] = set()
    if kind == "weekly":
        day = start
        while day <= end:
            if day.isoweekday() in numbers:
                days.add(day)
            day += ONE_DAY
    elif kind == "monthly":
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            last = calendar.monthrange(year, month)[1]
            for number in numbers:
                day = datetime.date(year, month, min(number, last))
                if start <= day <= end:
                    days.add(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"Unknown schedule kind {kind!r}.")
    return sorted(days)


def calendar_for(start: datetime.date, end: datetime.date) -> WorkCalendar:
    """The work calendar `occurrences` needs for a range (one query); load it once to compute
    many schedules."""
    return load_calendar(start - LONGEST_MOVE, end + LONGEST_MOVE)


def occurrences(
    kind: str,
    numbers: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    work: WorkCalendar | None = None,
) -> list[Occurrence]:
    """The reception days between `start` and `end` (inclusive), each moved past rest days,
    with the nominal days that were moved onto it."""
    numbers = list(numbers)
    work = work or calendar_for(start, end)
    moved: dict[datetime.date, list[datetime.date]] = {}
    for nominal in nominal_days(kind, numbers, start - LONGEST_MOVE, end):
        # A period of 0 calendar days: the day itself, or the next workday (the rule of the
        # one due-date function, on a calendar loaded once for the whole range).
        actual = work.add_period(nominal, 0, Counting.CALENDAR_DAYS)
        if start <= actual <= end:
            moved.setdefault(actual, [])
            if actual != nominal:
                moved[actual].append(nominal)
    return [Occurrence(day, tuple(sorted(moved[day]))) for day in sorted(moved)]
