"""The reception days of schedules for a range: computed days, cancellations, replacements
and booked counts, in a constant number of queries."""

import datetime

import pytest

from reception.models import DayStatus, ReceptionDay, ReceptionSchedule
from reception.selectors import reception_day_on, reception_days

D = datetime.date


@pytest.fixture
def thursdays(city_leader, reception1):
    return ReceptionSchedule.objects.create(
        leader=city_leader,
        unit=city_leader.org_unit,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11, 30),
        place="市信访局接待大厅",
        slots=6,
        valid_from=D(2026, 1, 1),
        created_by=reception1,
    )


def test_days_of_a_month_with_a_cancellation_and_a_replacement(
    thursdays, django_assert_max_num_queries
):
    cancelled = ReceptionDay.objects.create(
        schedule=thursdays, date=D(2026, 10, 15), status=DayStatus.CANCELLED, reason="出差"
    )
    ReceptionDay.objects.create(schedule=thursdays, date=D(2026, 10, 16), replaces=cancelled)
    with django_assert_max_num_queries(2):
        days = reception_days(schedules=[thursdays], start=D(2026, 10, 1), end=D(2026, 10, 31))
    assert [(d.date, d.status) for d in days] == [
        (D(2026, 10, 8), "open"),
        (D(2026, 10, 15), "cancelled"),
        (D(2026, 10, 16), "open"),
        (D(2026, 10, 22), "open"),
        (D(2026, 10, 29), "open"),
    ]
    assert days[0].moved_from == (D(2026, 10, 1),)
    assert days[1].free == 0 and days[1].reason == "出差"
    assert days[2].free == 6


def test_no_day_before_the_schedule_is_in_force_or_on_a_wrong_date(thursdays):
    assert reception_day_on(thursdays, D(2025, 12, 25)) is None
    assert reception_day_on(thursdays, D(2026, 10, 9)) is None
    assert reception_day_on(thursdays, D(2026, 10, 8)).moved_from == (D(2026, 10, 1),)
