"""The periods the dashboards compare: the chosen one, the previous one (环比) and the same
one a year earlier (同比)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.workcalendar import add_months


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    # How far back the previous period lies, in months (a month, a quarter, a year); None
    # for a range of days, whose previous period is as many days just before it.
    step_months: int | None = None

    @classmethod
    def of(cls, start: datetime.date, end: datetime.date) -> Period:
        """A period typed by hand: whole calendar months step by their number of months."""
        if start.day == 1 and end == month_end(end):
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            return cls(start, end, months)
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, months: int) -> Period:
        end = add_months(self.end, months)
        if self.end == month_end(self.end):
            end = month_end(end)
        return Period(add_months(self.start, months), end, self.step_months)

    def previous(self) -> Period:
        if self.step_months:
            return self.shifted(-self.step_months)
        length = datetime.timedelta(days=self.days)
        return Period(self.start - length, self.end - length)

    def last_year(self) -> Period:
        return self.shifted(-12)

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first = add_months(first, 1)
        return months


PRESETS = {
    "month": _("This month"),
    "quarter": _("This quarter"),
    "year": _("This year"),
    "last_year": _("Last year"),
}


def preset(name: str, today: datetime.date) -> Period:
    """This month, quarter or year up to today, or the whole of last year."""
    if name == "month":
        return Period(today.replace(day=1), today, 1)
    if name == "quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today, 3)
    if name == "year":
        return Period(today.replace(month=1, day=1), today, 12)
    if name == "last_year":
        year = today.year - 1
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), 12)
    raise ValueError(f"Unknown preset {name!r}.")
