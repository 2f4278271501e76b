"""Reception days on the 2026 calendar (Spring Festival 02-15…23, National Day 10-01…07,
make-up workdays 01-04, 02-28, 09-20 and 10-10)."""

import datetime

import pytest

from reception.recurrence import Occurrence, nominal_days, occurrences

D = datetime.date
pytestmark = pytest.mark.django_db


def dates(kind, numbers, start, end):
    return [o.date for o in occurrences(kind, numbers, start, end)]


def test_monthly_tenth_twentieth_thirtieth_over_2026():
    days = dates("monthly", [10, 20, 30], D(2026, 1, 1), D(2026, 12, 31))
    assert D(2026, 1, 12) in days and D(2026, 1, 10) not in days  # Saturday → Monday
    assert D(2026, 2, 24) in days and D(2026, 2, 20) not in days  # Spring Festival
    assert D(2026, 2, 28) in days  # no 30 February: the last day, a make-up workday
    assert D(2026, 5, 11) in days  # Sunday 10 May → Monday
    assert D(2026, 6, 1) in days and D(2026, 5, 30) not in days  # Saturday 30 May → Monday
    assert D(2026, 9, 20) in days  # a Sunday, but a make-up workday
    assert D(2026, 10, 10) in days  # a Saturday, but a make-up workday
    assert len(days) == len(set(days))


def test_weekly_thursday_moves_new_year_and_merges_national_day():
    january = occurrences("weekly", [4], D(2026, 1, 1), D(2026, 1, 10))
    assert january[0] == Occurrence(D(2026, 1, 4), (D(2026, 1, 1),))
    assert [o.date for o in january] == [D(2026, 1, 4), D(2026, 1, 8)]
    october = occurrences("weekly", [4], D(2026, 9, 28), D(2026, 10, 12))
    # 1 October (a holiday) moves to Thursday 8 October: one reception day, not two.
    assert october == [Occurrence(D(2026, 10, 8), (D(2026, 10, 1),))]


def test_weekly_monday_after_national_day():
    assert occurrences("weekly", [1], D(2026, 10, 1), D(2026, 10, 12)) == [
        Occurrence(D(2026, 10, 8), (D(2026, 10, 5),)),
        Occurrence(D(2026, 10, 12)),
    ]


def test_a_day_moved_in_from_before_the_range_is_included():
    # Saturday 31 January 2026 (monthly 31st) moves to Monday 2 February.
    assert dates("monthly", [31], D(2026, 2, 1), D(2026, 2, 5)) == [D(2026, 2, 2)]


def test_nominal_days_take_the_last_day_of_short_months():
    assert nominal_days("monthly", [31], D(2026, 4, 1), D(2026, 4, 30)) == [D(2026, 4, 30)]
    with pytest.raises(ValueError):
        nominal_days("fortnightly", [1], D(2026, 4, 1), D(2026, 4, 30))


def test_a_year_without_a_holiday_list_falls_back_to_weekends():
    # 2027 is not in the installed chinese-calendar: only weekends move.
    assert dates("monthly", [2], D(2027, 1, 1), D(2027, 1, 31)) == [D(2027, 1, 4)]
