"""The work calendar and the one due-date function (DESIGN §2), on real dates."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CalendarDay, CalendarYear
from cases.models import DeadlineKind
from cases.selectors import deadline_rule_for
from core.workcalendar import (
    Counting,
    WorkCalendar,
    due_date,
    is_workday,
    package_knows_year,
    provisional_years,
)

# Calendar rules on real dates, seen from a fixed today (FROZEN_NOW, 2026-11-22): the admin
# screen's years are this year's neighbours.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # +15 = Sun 10-05, inside the National Day holiday (10-01..10-08): first workday 10-09.
        (D(2025, 9, 20), D(2025, 10, 9)),
        # +15 = Thu 10-09, a workday.
        (D(2025, 9, 24), D(2025, 10, 9)),
        # +15 = Sat 02-14, a make-up workday (调休) before the Spring Festival: stays.
        (D(2026, 1, 30), D(2026, 2, 14)),
        # +15 = Sun 09-27: moves to Mon 09-28.
        (D(2026, 9, 12), D(2026, 9, 28)),
        # +15 = Mon 2027-01-04, a year chinese-calendar does not know: provisional, no error.
        (D(2026, 12, 20), D(2027, 1, 4)),
    ],
)
def test_acceptance_due_dates_of_the_issue(received, due):
    assert due_date(received, 15) == due


def test_acceptance_rule_gives_the_same_due_dates(org):
    rule = deadline_rule_for(DeadlineKind.ACCEPTANCE, org.d1_office, D(2025, 9, 20))
    assert (rule.days, rule.counting) == (15, Counting.CALENDAR_DAYS)
    assert due_date(D(2025, 9, 20), rule.days, rule.counting) == D(2025, 10, 9)


def test_start_day_is_not_counted():
    # Mon 2025-11-03 + 1 calendar day = Tue 2025-11-04.
    assert due_date(D(2025, 11, 3), 1) == D(2025, 11, 4)
    assert due_date(D(2025, 11, 3), 0) == D(2025, 11, 3)


def test_negative_period_is_refused():
    with pytest.raises(ValueError):
        due_date(D(2025, 11, 3), -1)


def test_unknown_counting_is_refused():
    with pytest.raises(ValueError):
        due_date(D(2025, 11, 3), 3, "fortnights")


# --- admin overrides ---------------------------------------------------------------------


def test_admin_rest_day_on_the_would_be_due_date_moves_it():
    CalendarDay.objects.create(date=D(2025, 10, 9), is_workday=False, note="临时停工")
    assert due_date(D(2025, 9, 20), 15) == D(2025, 10, 10)


def test_admin_workday_override_beats_the_package():
    # 2025-10-05 is a holiday in the package; an admin declares it a workday.
    CalendarDay.objects.create(date=D(2025, 10, 5), is_workday=True, note="补班")
    assert due_date(D(2025, 9, 20), 15) == D(2025, 10, 5)


def test_make_up_workday_entered_for_2027_counts():
    # +20 = Sat 2027-01-09: on the provisional calendar it moves to Mon 01-11.
    assert due_date(D(2026, 12, 20), 20) == D(2027, 1, 11)
    CalendarDay.objects.create(date=D(2027, 1, 9), is_workday=True, note="调休上班")
    assert due_date(D(2026, 12, 20), 20) == D(2027, 1, 9)


def test_rest_day_entered_for_2027_counts():
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False, note="元旦调休")
    assert due_date(D(2026, 12, 20), 15) == D(2027, 1, 5)


def test_is_workday_reads_package_then_overrides():
    assert is_workday(D(2026, 2, 14))  # Saturday make-up workday
    assert not is_workday(D(2026, 2, 16))  # Spring Festival
    assert not is_workday(D(2027, 1, 9))  # Saturday, 2027: provisional
    assert is_workday(D(2027, 1, 8))  # Friday, 2027
    assert not is_workday(D(2027, 2, 8))  # Monday, 2027: provisional Spring Festival
    CalendarDay.objects.create(date=D(2026, 2, 16), is_workday=True)
    assert is_workday(D(2026, 2, 16))


def test_calendar_never_raises_for_years_the_package_lacks():
    calendar = WorkCalendar()
    for year in (2027, 2030, 2099):
        for offset in range(0, 366, 7):
            calendar.is_workday(D(year, 1, 1) + datetime.timedelta(days=offset))
    assert calendar.add_period(D(2030, 1, 1), 60, Counting.CALENDAR_DAYS) == D(2030, 3, 4)


# --- workday counting: the simplified procedure (3 and 10 workdays) ------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # National Day 2025: 10-01..10-08 rest, Sat 10-11 a make-up workday.
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # 10-09, 10-10, 10-11
        (D(2025, 9, 30), 10, D(2025, 10, 21)),
        # Spring Festival 2026: Sat 02-14 workday, 02-15..02-23 rest, Sat 02-28 workday.
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # 02-13, 02-14, 02-24
        (D(2026, 2, 12), 10, D(2026, 3, 4)),
        # An ordinary week.
        (D(2025, 11, 3), 3, D(2025, 11, 6)),
        (D(2025, 11, 7), 3, D(2025, 11, 12)),  # Fri: skips the weekend
    ],
)
def test_workday_counting_over_holidays(start, days, due):
    assert due_date(start, days, Counting.WORKDAYS) == due


def test_simplified_procedure_rules_count_workdays(org):
    decision = deadline_rule_for(DeadlineKind.SIMPLIFIED_DECISION, org.d1_office, D(2025, 9, 30))
    answer = deadline_rule_for(DeadlineKind.SIMPLIFIED_ANSWER, org.d1_office, D(2025, 9, 30))
    assert (decision.days, decision.counting) == (3, Counting.WORKDAYS)
    assert (answer.days, answer.counting) == (10, Counting.WORKDAYS)
    assert due_date(D(2026, 2, 12), decision.days, decision.counting) == D(2026, 2, 24)
    assert due_date(D(2026, 2, 12), answer.days, answer.counting) == D(2026, 3, 4)


def test_workday_counting_in_2027_uses_the_provisional_calendar_and_overrides():
    # Fri 2027-01-01: 3 workdays = Mon, Tue, Wed.
    assert due_date(D(2027, 1, 1), 3, Counting.WORKDAYS) == D(2027, 1, 6)
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False)
    CalendarDay.objects.create(date=D(2027, 1, 2), is_workday=True)
    assert due_date(D(2027, 1, 1), 3, Counting.WORKDAYS) == D(2027, 1, 6)  # Sat, Tue, Wed
    CalendarDay.objects.create(date=D(2027, 1, 5), is_workday=False)
    assert due_date(D(2027, 1, 1), 3, Counting.WORKDAYS) == D(2027, 1, 7)


# --- years without a holiday list ---------------------------------------------------------


def test_package_knows_2026_but_not_2027():
    assert package_knows_year(2026) is True
    assert package_knows_year(2027) is False


def test_years_the_package_lacks_are_provisional():
    assert provisional_years([2025, 2026, 2027, 2028]) == [2027, 2028]


def test_an_admin_rest_day_does_not_make_a_year_official():
    CalendarDay.objects.create(date=D(2027, 2, 8), is_workday=False, note="春节")
    assert provisional_years([2025, 2026, 2027, 2028]) == [2027, 2028]


def test_a_loaded_official_schedule_ends_a_provisional_year():
    CalendarYear.objects.create(year=2027, official=True)
    CalendarYear.objects.create(year=2028, official=False)
    assert provisional_years([2025, 2026, 2027, 2028]) == [2028]


def _provisional_warning(response) -> str:
    match = re.search(
        r'<li[^>]*id="calendar-years-provisional"[^>]*>(.*?)</li>', response.content.decode(), re.S
    )
    return match.group(1) if match else ""


def test_admin_calendar_shows_the_provisional_years(admin_client):
    this_year = timezone.localdate().year
    expected = [y for y in range(this_year - 1, this_year + 3) if not package_knows_year(y)]
    url = reverse("admin:accounts_calendarday_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200
    warning = _provisional_warning(response)
    assert warning, "the changelist shows no #calendar-years-provisional warning"
    assert ", ".join(str(y) for y in expected) in warning
    page = response.content.decode()
    for year in range(this_year - 1, this_year + 3):
        kind = "provisional" if year in expected else "package"
        assert f'data-year="{year}" data-kind="{kind}"' in page
    if this_year == 2026:  # the date of writing: the package knows up to 2026
        assert expected == [2027, 2028]


def test_admin_calendar_warning_drops_a_year_once_its_schedule_is_loaded(admin_client):
    this_year = timezone.localdate().year
    for year in range(this_year - 1, this_year + 3):
        CalendarYear.objects.create(year=year, official=True, source="国办发明电")
    response = admin_client.get(reverse("admin:accounts_calendarday_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="calendar-years-provisional"' not in page
    assert 'data-kind="provisional"' not in page
