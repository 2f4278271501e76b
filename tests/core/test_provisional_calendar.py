"""Years chinese-calendar does not know (2027 at the time of writing) take the statutory
holidays of the `holidays` package as provisional rest days; a due date that depends on one
says so. Real dates throughout; the pure `WorkCalendar` needs no database."""

import datetime

import pytest

from accounts.models import CalendarDay, CalendarYear
from core.workcalendar import (
    Counting,
    Due,
    WorkCalendar,
    due,
    due_date,
    provisional_days,
    year_statuses,
)

D = datetime.date
CAL, WORK = Counting.CALENDAR_DAYS, Counting.WORKDAYS


def days(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


# --- the provisional holidays of 2027 ------------------------------------------------------


def test_2027_provisional_rest_days_are_the_statutory_holidays_with_observed_days():
    rest, work = provisional_days(2027)
    assert rest == (
        {D(2027, 1, 1)}
        # Eve Fri 02-05, New Year Sat 02-06, then 02-07, 02-08; the weekend days are made up
        # on Tue 02-09 and Wed 02-10 ("observed").
        | days(D(2027, 2, 5), D(2027, 2, 10))
        | {D(2027, 4, 5)}
        | days(D(2027, 5, 1), D(2027, 5, 4))  # Sat 05-01, Sun 05-02, made up Mon-Tue
        | {D(2027, 6, 9), D(2027, 9, 15)}
        | days(D(2027, 10, 1), D(2027, 10, 5))
    )
    assert work == frozenset()  # no make-up workday is known before the official schedule


def test_the_provisional_calendar_of_2027():
    calendar = WorkCalendar()
    assert not calendar.is_workday(D(2027, 2, 8))  # Mon, Spring Festival
    assert not calendar.is_workday(D(2027, 2, 10))  # Wed, observed
    assert calendar.is_workday(D(2027, 2, 11))  # Thu
    assert not calendar.is_workday(D(2027, 2, 13))  # Sat
    assert not calendar.is_workday(D(2027, 5, 4))  # Tue, Labour Day observed
    assert calendar.is_workday(D(2027, 5, 5))
    assert calendar.is_provisional(D(2027, 3, 3))  # an ordinary Wednesday is a guess too
    assert not calendar.is_provisional(D(2026, 12, 31))


def test_years_the_holidays_package_cannot_compute_fall_back_to_weekends():
    assert provisional_days(2200) == (frozenset(), frozenset())
    calendar = WorkCalendar()
    assert calendar.is_workday(D(2200, 1, 1))  # a Wednesday
    assert calendar.due(D(2200, 1, 1), 3, CAL) == Due(D(2200, 1, 6), True)  # Sat 01-04 → Mon


# --- the case: accepted 2026-12-10, 60 days to handle ---------------------------------


def test_handling_due_rolls_past_the_provisional_spring_festival():
    # +60 = Mon 2027-02-08, inside Spring Festival (02-05..02-10 with the observed days):
    # the first workday after it is Thu 02-11. On weekends alone it was 02-08.
    assert WorkCalendar().due(D(2026, 12, 10), 60, CAL) == Due(D(2027, 2, 11), True)


def test_weekends_only_gave_the_spring_festival_day():
    # What the calendar counted before the provisional holidays, kept for a year whose
    # official schedule is loaded (weekends plus the admin's days).
    assert WorkCalendar(official_years={2027}).due(D(2026, 12, 10), 60, CAL) == Due(
        D(2027, 2, 8), False
    )


# --- what "depends on a provisional day" means -----------------------------------------------


@pytest.mark.parametrize(
    ("start", "days_", "expected"),
    [
        # Calendar days: only the days from the nominal last day to the due date are looked at.
        (D(2026, 11, 20), 40, Due(D(2026, 12, 30), False)),  # ends in 2026
        (D(2026, 12, 1), 30, Due(D(2026, 12, 31), False)),  # Thu 12-31: 2027 never looked at
        (D(2026, 12, 20), 15, Due(D(2027, 1, 4), True)),  # Mon 01-04, a 2027 day
        (D(2026, 12, 22), 60, Due(D(2027, 2, 22), True)),  # Sat 02-20 → Mon 02-22
        (D(2026, 12, 10), 60, Due(D(2027, 2, 11), True)),
    ],
)
def test_calendar_day_counting_depends_on_the_roll_forward_only(start, days_, expected):
    assert WorkCalendar().due(start, days_, CAL) == expected


def test_a_2026_rest_day_rolling_into_2027_is_provisional():
    # An admin closes Thu 2026-12-31: the due date rolls over the provisional New Year's Day
    # and weekend to Mon 2027-01-04.
    calendar = WorkCalendar({D(2026, 12, 31): False})
    assert calendar.due(D(2026, 12, 1), 30, CAL) == Due(D(2027, 1, 4), True)


@pytest.mark.parametrize(
    ("start", "days_", "expected"),
    [
        # Workdays: every day after the start counts.
        (D(2026, 12, 28), 3, Due(D(2026, 12, 31), False)),  # Tue, Wed, Thu
        (D(2026, 12, 28), 4, Due(D(2027, 1, 4), True)),  # over New Year's Day (provisional)
        (D(2026, 12, 1), 10, Due(D(2026, 12, 15), False)),
        # Spring Festival 2027: 02-05..02-10 rest, Thu 02-11 and Fri 02-12 workdays.
        (D(2027, 2, 3), 3, Due(D(2027, 2, 12), True)),  # 02-04, 02-11, 02-12
    ],
)
def test_workday_counting_depends_on_every_day_counted(start, days_, expected):
    assert WorkCalendar().due(start, days_, WORK) == expected


def test_an_admin_override_wins_over_the_provisional_holiday():
    # The admin says Mon 2027-02-08 is a workday: the due date stays on it, and it depends on
    # no provisional day (the only day looked at is the admin's).
    calendar = WorkCalendar({D(2027, 2, 8): True})
    assert calendar.is_workday(D(2027, 2, 8))
    assert calendar.due(D(2026, 12, 10), 60, CAL) == Due(D(2027, 2, 8), False)


def test_an_admin_rest_day_after_the_holidays_moves_the_due_further():
    calendar = WorkCalendar({D(2027, 2, 11): False})
    assert calendar.due(D(2026, 12, 10), 60, CAL) == Due(D(2027, 2, 12), True)


def test_workday_counting_over_admin_days_only_is_not_provisional():
    # Every day counted is the admin's: nothing is a guess.
    overrides = {D(2027, 1, 1): False, D(2027, 1, 2): True, D(2027, 1, 3): False}
    calendar = WorkCalendar(overrides)
    assert calendar.due(D(2026, 12, 31), 1, WORK) == Due(D(2027, 1, 2), False)
    assert calendar.due(D(2026, 12, 31), 2, WORK) == Due(D(2027, 1, 4), True)


def test_years_chinese_calendar_knows_are_never_provisional():
    calendar = WorkCalendar()
    for year in (2025, 2026):
        assert not calendar.year_is_provisional(year)
    # National Day 2025 and Spring Festival 2026, counted both ways.
    assert calendar.due(D(2025, 9, 20), 15, CAL) == Due(D(2025, 10, 9), False)
    assert calendar.due(D(2026, 2, 12), 10, WORK) == Due(D(2026, 3, 4), False)


def test_a_zero_workday_period_is_the_start_day():
    assert WorkCalendar().due(D(2027, 2, 6), 0, WORK) == Due(D(2027, 2, 6), False)


# --- on the database: overrides and loaded years ---------------------------------------------


@pytest.mark.django_db
def test_due_reads_the_overrides_and_the_loaded_years():
    assert due(D(2026, 12, 10), 60) == Due(D(2027, 2, 11), True)
    CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=True, note="调休上班")
    assert due(D(2026, 12, 10), 60) == Due(D(2027, 2, 10), True)
    CalendarYear.objects.create(year=2027, official=True)
    # Official: weekends plus the admin's days (02-08 is a plain Monday now).
    assert due(D(2026, 12, 10), 60) == Due(D(2027, 2, 8), False)
    assert due_date(D(2026, 12, 10), 60) == D(2027, 2, 8)


@pytest.mark.django_db
def test_a_year_marked_but_not_official_stays_provisional():
    CalendarYear.objects.create(year=2027, official=False)
    assert due(D(2026, 12, 10), 60) == Due(D(2027, 2, 11), True)


@pytest.mark.django_db
def test_year_statuses_tell_where_the_rest_days_come_from():
    CalendarYear.objects.create(year=2028, official=True, source="国办发明电〔2027〕1号")
    statuses = {status.year: status for status in year_statuses([2026, 2027, 2028])}
    assert statuses[2026].kind == "package"
    assert statuses[2028].kind == "official" and statuses[2028].source.startswith("国办")
    assert statuses[2027].is_provisional
    assert (D(2027, 2, 5), D(2027, 2, 10)) in statuses[2027].holidays


@pytest.mark.django_db
def test_the_upgrade_keeps_years_with_admin_rest_days_as_they_were():
    """Before, a year the package lacked counted weekends plus the admin's days; one with
    admin rest days stays so (official), so that no due date moves by the upgrade."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_calendar_year")
    CalendarDay.objects.create(date=D(2026, 10, 9), is_workday=False)  # a year the package knows
    CalendarDay.objects.create(date=D(2027, 2, 8), is_workday=False, note="春节")
    CalendarDay.objects.create(date=D(2028, 1, 8), is_workday=True)  # a workday alone: no list

    migration.mark_entered_years_official(apps, None)

    assert list(CalendarYear.objects.values_list("year", "official")) == [(2027, True)]
