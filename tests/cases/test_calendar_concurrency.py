"""Two admins change days of 2027 at the same moment. The calendar year's lock makes the
second change wait until the first has committed, so that it picks the clocks the first has
moved onto its own day and counts them with both days: no change is lost. Needs real
concurrent transactions, hence PostgreSQL."""

import datetime
import time
from functools import partial

import pytest

from accounts.calendar import services as calendar_services
from accounts.calendar.services import DayEntry, calendar_days_set
from accounts.models import CalendarYear, User
from cases.services.clocks import deadlines_recompute
from tests.cases.test_calendar_clocks import accepted_case, due_of, handling
from tests.factories import UserFactory
from tests.threads import run_in_threads

D = datetime.date


@pytest.fixture
def first_holds(monkeypatch):
    """The first admin's change holds its transaction open for a while after it has
    recomputed the clocks; the second starts meanwhile."""
    real = calendar_services._finish

    def holding(actor, *args, **kwargs):
        result = real(actor, *args, **kwargs)
        if actor.username == "sysadmin1":
            time.sleep(0.6)
        return result

    monkeypatch.setattr(calendar_services, "_finish", holding)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_entering_days_at_once_lose_neither(
    postgres_only, org, handler1, clock_at, first_holds
):
    # 60 days after 2027-01-05: Sat 03-06, rolled to Mon 03-08. The first admin makes 03-08 a
    # rest day (→ Tue 03-09), the second 03-09 (→ Wed 03-10). The clock looks at 03-09 only
    # once the first change is in: had the second not waited, it would have passed the
    # clock by, and the first counted without 03-09.
    clock = handling(accepted_case(handler1, D(2027, 1, 5), clock_at))
    assert due_of(clock) == (D(2027, 3, 8), True)
    CalendarYear.objects.create(year=2027)
    admins = [
        User.objects.get(
            # Superusers: a transactional test may start after a flush took the admin role's
            # permissions (granted after migrating) away.
            pk=UserFactory(
                username=name, org_unit=org.city, is_staff=True, is_superuser=True, roles=["admin"]
            ).pk
        )
        for name in ("sysadmin1", "sysadmin2")
    ]
    for admin in admins:
        assert admin.has_perm("accounts.change_calendarday")  # read now: threads only write

    def enter(admin, day, delay):
        time.sleep(delay)
        calendar_days_set(actor=admin, entries=[DayEntry(day, False, "停工")])

    first = partial(enter, admins[0], D(2027, 3, 8), 0)
    second = partial(enter, admins[1], D(2027, 3, 9), 0.3)
    assert run_in_threads(first, second) == []

    assert due_of(clock) == (D(2027, 3, 10), True)
    assert deadlines_recompute(actor=None, on=D(2027, 1, 5)) == 0
