"""Every change to the work calendar (DESIGN §2): an admin's days, and a year's official
schedule. The admin pages and the management command only parse input and call these.

A change is one transaction: the calendar years concerned are locked first (one change at a
time per year), the days are written, and then every registered listener is told which days
changed, in the same transaction. `cases` registers one that recomputes the open clocks whose
due dates depend on those days (apps above `accounts` learn of a change only this way).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed, ValidationError
from core.workcalendar import package_knows_year

from ..models import CalendarDay, CalendarYear, User

# CharFields: their max_length is set.
NOTE_LENGTH = cast(int, CalendarDay._meta.get_field("note").max_length)
SOURCE_LENGTH = cast(int, CalendarYear._meta.get_field("source").max_length)
# Years a calendar can be entered for: beyond them a date is more likely a typing error.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class DayEntry:
    """What an admin says of one day: a workday (True), a rest day (False), or nothing more
    (None: remove the admin's entry, the day goes back to the package or the weekends)."""

    date: datetime.date
    is_workday: bool | None
    note: str = ""


@dataclass(frozen=True)
class CalendarChange:
    """What listeners are told: the days whose status, or whose source, changed."""

    actor: User | None
    days: frozenset[datetime.date]
    on: datetime.date


@dataclass(frozen=True)
class CalendarResult:
    """What a change did: the days it changed and how many records (time limits) moved."""

    days: frozenset[datetime.date]
    moved: int


CalendarListener = Callable[[CalendarChange], int]
_listeners: list[CalendarListener] = []


def register_calendar_listener(listener: CalendarListener) -> None:
    """Call `listener(change)` inside every calendar change's transaction, after the days are
    written; it returns how many records it moved. A second registration is ignored."""
    if listener not in _listeners:
        _listeners.append(listener)


def can_edit_calendar(user: User | None) -> bool:
    """The admin role (and superusers) edit the calendar; None is the system (a command)."""
    return user is None or user.has_perm("accounts.change_calendarday")


def _require_editor(actor: User | None) -> None:
    if not can_edit_calendar(actor):
        raise NotAllowed(_("Only an administrator changes the work calendar."))


def _check_year(year: object, field: str) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("Enter a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    return year


def _years_lock(years: Iterable[int]) -> dict[int, CalendarYear]:
    """The calendar years' rows, created if new, locked until the transaction ends (in year
    order, so that two changes never wait on each other crosswise)."""
    years = sorted(set(years))
    for year in years:
        CalendarYear.objects.get_or_create(year=year)
    locked = CalendarYear.objects.select_for_update().filter(year__in=years).order_by("year")
    return {row.year: row for row in locked}


def _write_days(
    entries: list[DayEntry], existing: dict[datetime.date, CalendarDay]
) -> set[datetime.date]:
    """Write `entries` over the `existing` rows; the days whose workday status or presence
    changed (a note alone changes no due date)."""
    changed: set[datetime.date] = set()
    removed = [entry.date for entry in entries if entry.is_workday is None]
    gone = [day for day in removed if day in existing]
    if gone:
        CalendarDay.objects.filter(date__in=gone).delete()
        changed.update(gone)
    new = []
    for entry in entries:
        if entry.is_workday is None:
            continue
        row = existing.get(entry.date)
        if row is None:
            new.append(CalendarDay(date=entry.date, is_workday=entry.is_workday, note=entry.note))
            changed.add(entry.date)
        elif (row.is_workday, row.note) != (entry.is_workday, entry.note):
            if row.is_workday != entry.is_workday:
                changed.add(entry.date)
            row.is_workday, row.note = entry.is_workday, entry.note
            row.save(update_fields=["is_workday", "note"])
    CalendarDay.objects.bulk_create(new)
    return changed


def _check_entries(entries: list[DayEntry]) -> list[DayEntry]:
    seen: set[datetime.date] = set()
    checked = []
    for entry in entries:
        if not isinstance(entry.date, datetime.date) or isinstance(entry.date, datetime.datetime):
            raise ValidationError({"date": _("Enter a valid date.")})
        _check_year(entry.date.year, "date")
        if entry.date in seen:
            raise ValidationError(
                {"date": _("%(date)s is entered twice.") % {"date": _day(entry.date)}}
            )
        seen.add(entry.date)
        if entry.is_workday not in (True, False, None):
            raise ValidationError({"is_workday": _("Say whether the day is a workday.")})
        note = (entry.note or "").strip()
        if len(note) > NOTE_LENGTH:
            raise ValidationError(
                {"note": _("At most %(length)d characters.") % {"length": NOTE_LENGTH}}
            )
        checked.append(DayEntry(entry.date, entry.is_workday, note))
    return checked


def days_of_year(year: int) -> list[datetime.date]:
    first = datetime.date(year, 1, 1)
    return [
        first + datetime.timedelta(days=n) for n in range(366 if calendar.isleap(year) else 365)
    ]


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _finish(
    actor: User | None, years: dict[int, CalendarYear], changed: set[datetime.date]
) -> CalendarResult:
    """Record who changed the years, then tell the listeners."""
    if not changed:
        return CalendarResult(frozenset(), 0)
    now = timezone.now()
    touched = [years[year] for year in sorted({day.year for day in changed}) if year in years]
    for row in touched:
        row.changed_by, row.changed_at = actor, now
    CalendarYear.objects.bulk_update(touched, ["changed_by", "changed_at"])
    change = CalendarChange(actor=actor, days=frozenset(changed), on=timezone.localdate())
    moved = sum(listener(change) for listener in _listeners)
    return CalendarResult(change.days, moved)


@transaction.atomic
def calendar_days_set(*, actor: User | None, entries: Iterable[DayEntry]) -> CalendarResult:
    """Enter, change or remove admin days (rest days and make-up workdays); the open time
    limits that depend on the days that changed are recomputed in the same transaction."""
    _require_editor(actor)
    entries = _check_entries(list(entries))
    if not entries:
        return CalendarResult(frozenset(), 0)
    years = _years_lock({entry.date.year for entry in entries})
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(date__in=[entry.date for entry in entries])
    }
    return _finish(actor, years, _write_days(entries, existing))


@transaction.atomic
def calendar_year_load_official(
    *,
    actor: User | None,
    year: int,
    rest_days: Iterable[datetime.date],
    workdays: Iterable[datetime.date],
    source: str = "",
    replace: bool = False,
) -> CalendarResult:
    """Load a year's official schedule: its rest days (the holidays, weekends among them may
    be given or not) and make-up workdays (调休). The year stops being provisional: from now
    on it counts weekends plus the admin's days. With `replace`, the year's other admin days
    are removed (else they stay, e.g. a day closed for a typhoon). Open time limits that
    depend on the year are recomputed in the same transaction."""
    _require_editor(actor)
    year = _check_year(year, "year")
    rest, work = set(rest_days), set(workdays)
    source = (source or "").strip()
    for field, days in (("rest_days", rest), ("workdays", work)):
        outside = sorted(day for day in days if day.year != year)
        if outside:
            raise ValidationError(
                {
                    field: _("%(date)s is not in %(year)d.")
                    % {"date": _day(outside[0]), "year": year}
                }
            )
    if not rest:
        raise ValidationError({"rest_days": _("Enter the year's holidays.")})
    both = sorted(rest & work)
    if both:
        raise ValidationError(
            {"workdays": _("%(date)s is also a rest day.") % {"date": _day(both[0])}}
        )
    if len(source) > SOURCE_LENGTH:
        raise ValidationError(
            {"source": _("At most %(length)d characters.") % {"length": SOURCE_LENGTH}}
        )
    note = (source or _("Official schedule"))[:NOTE_LENGTH]
    entries = [DayEntry(day, False, note) for day in sorted(rest)]
    entries += [DayEntry(day, True, note) for day in sorted(work)]

    years = _years_lock([year])
    row = years[year]
    in_year = {
        day.date: day
        for day in CalendarDay.objects.filter(
            date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        )
    }
    if replace:
        entries += [DayEntry(day, None) for day in sorted(set(in_year) - rest - work)]
    changed = _write_days(entries, in_year)
    if not row.official and not package_knows_year(year):
        # Every day of the year changes source: provisional until now, official from now.
        changed.update(days_of_year(year))
    row.official, row.source = True, source
    row.save(update_fields=["official", "source"])
    return _finish(actor, years, changed)
