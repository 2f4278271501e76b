"""Clocks on the calendar of 2027 (issue 12, part 5): due dates counted over the provisional
holidays say so, and a change of the work calendar moves exactly the open clocks that depend
on the changed days, under their own rules, with an event and a notification each.

The clock is frozen with time_machine at real dates in December 2026, when chinese-calendar
1.11 knows no 2027."""

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.calendar.forms import parse_days
from accounts.calendar.services import DayEntry, calendar_days_set, calendar_year_load_official
from accounts.models import CalendarDay, CalendarYear
from cases import services
from cases.kinds import CaseNotificationKind
from cases.models import CaseEvent, Deadline, DeadlineKind, DeadlineRule, EventKind
from cases.services.clocks import deadlines_recompute
from cases.services.core import clock_meet, deadline_start
from core.workcalendar import Counting
from notifications.models import Notification
from tests.cases.test_api import detail
from tests.factories import UserFactory, register_petition

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def admin(org):
    return UserFactory(username="sysadmin", org_unit=org.city, is_staff=True, roles=["admin"])


def accepted_case(handler, day: datetime.date, clock_at):
    """A case received and accepted by `handler`'s unit on `day`: its handling clock starts."""
    clock_at(day)
    case = register_petition(handler, received_at=at(day, 9)).petition.case
    return services.case_accept(actor=handler, case=case, on=day)


def handling(case) -> Deadline:
    return Deadline.objects.get(case=case, kind=DeadlineKind.HANDLING)


def due_of(clock: Deadline) -> tuple[datetime.date, bool]:
    clock.refresh_from_db()
    return clock.due_on, clock.due_provisional


def moved_events(case=None):
    events = CaseEvent.objects.filter(kind=EventKind.DEADLINE_RECOMPUTED)
    return events.filter(case=case) if case is not None else events


# --- the case --------------------------------------------------------------------------


def test_accepted_2026_12_10_the_handling_clock_rolls_past_the_provisional_spring_festival(
    client, handler1, clock_at
):
    case = accepted_case(handler1, D(2026, 12, 10), clock_at)

    # +60 = Mon 2027-02-08, a day of the Spring Festival; with 02-09 and 02-10 (the weekend
    # days made up) the first workday is Thu 02-11. On weekends alone it was 02-08.
    assert due_of(handling(case)) == (D(2027, 2, 11), True)
    # The acceptance clock (2026-12-10 + 15 = Fri 12-25) never looked at 2027.
    acceptance = Deadline.objects.get(case=case, kind=DeadlineKind.ACCEPTANCE)
    assert due_of(acceptance) == (D(2026, 12, 25), False)

    body = detail(handler1, case)
    rows = {row["kind"]: row for row in body["deadlines"]}
    assert rows["handling"]["due_on"] == "2027-02-11"
    assert rows["handling"]["due_provisional"] is True
    assert rows["acceptance"]["due_provisional"] is False
    assert body["handling_due"] == "2027-02-11"

    client.force_login(handler1)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    clocks = page[page.index('id="clocks"') :]
    clocks = clocks[: clocks.index("</table>")]
    assert clocks.count("data-due-provisional") == 1
    assert "2027-02-11 <span" in clocks


def test_a_clock_in_a_year_chinese_calendar_knows_is_not_provisional(handler1, clock_at):
    case = accepted_case(handler1, D(2026, 9, 20), clock_at)
    # +60 = Thu 11-19 2026.
    assert due_of(handling(case)) == (D(2026, 11, 19), False)


def test_an_admin_day_wins_over_the_provisional_holiday(handler1, admin, clock_at):
    case = accepted_case(handler1, D(2026, 12, 10), clock_at)
    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 8), True, "上班")])
    # The only day looked at is now the admin's: the date is no longer a guess.
    assert due_of(handling(case)) == (D(2027, 2, 8), False)
    [event] = moved_events(case)
    assert event.actor == admin
    assert event.data["old_due"] == "2027-02-11" and event.data["new_due"] == "2027-02-08"


# --- a make-up workday moves exactly the clocks that depend on it --------------------------------


@pytest.fixture
def clocks(org, handler1, handler2, clock_at):
    """Open clocks around Sat 2027-02-20 (a make-up workday in the making), and two that
    must not move whatever happens to it."""
    # D2 counts handling in workdays (as some provinces do): 40 workdays.
    DeadlineRule.objects.create(
        kind=DeadlineKind.HANDLING,
        jurisdiction=org.d2,
        effective_from=D(2026, 1, 1),
        days=40,
        counting=Counting.WORKDAYS,
    )
    far = accepted_case(handler1, D(2026, 11, 20), clock_at)  # +60 = Tue 2027-01-19
    rolled = accepted_case(handler1, D(2026, 12, 22), clock_at)  # +60 = Sat 02-20 → Mon 02-22
    workdays = accepted_case(handler2, D(2026, 12, 22), clock_at)  # 40 workdays
    crossing = accepted_case(handler1, D(2026, 12, 25), clock_at)  # +60 = Tue 02-23
    met = accepted_case(handler1, D(2026, 12, 22), clock_at)  # as `rolled`, but met
    clock_at(D(2026, 12, 28))
    clock_meet(handling(met), D(2026, 12, 28))
    assignment = services.case_assign(
        actor=handler1,
        case=crossing,
        lead_unit=org.d1_street,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2027, 2, 20),
        on=D(2026, 12, 28),
    )
    return {
        "far": handling(far),
        "rolled": handling(rolled),
        "workdays": handling(workdays),
        "crossing": handling(crossing),
        "met": handling(met),
        "assignment": assignment.deadlines.get(),
    }


def dues(clocks: dict) -> dict:
    return {name: due_of(clock) for name, clock in clocks.items()}


BEFORE = {
    "far": (D(2027, 1, 19), True),
    "rolled": (D(2027, 2, 22), True),
    # 40 workdays after Tue 2026-12-22 on the provisional calendar: 12-23..12-31 (7), January
    # without 01-01 (27), 02-01..02-04 (31), 02-05..02-10 off, 02-11, 02-12 (33),
    # 02-15..02-19 (38), 02-22, 02-23 (40).
    "workdays": (D(2027, 2, 23), True),
    "crossing": (D(2027, 2, 23), True),
    "met": (D(2027, 2, 22), True),
    "assignment": (D(2027, 2, 20), False),
}


def test_a_make_up_workday_moves_exactly_the_affected_clocks(
    clocks, admin, handler1, colleague1, handler2
):
    assert dues(clocks) == BEFORE
    events_before = CaseEvent.objects.count()

    result = calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), True, "调休上班")])

    assert result.moved == 2
    assert dues(clocks) == {
        **BEFORE,
        # The last day itself is now a workday, and the admin's: no longer a guess.
        "rolled": (D(2027, 2, 20), False),
        # One more workday in the count: a workday earlier. Still over provisional days.
        "workdays": (D(2027, 2, 22), True),
    }
    assert CaseEvent.objects.count() == events_before + 2
    for name, old, new in (
        ("rolled", "2027-02-22", "2027-02-20"),
        ("workdays", "2027-02-23", "2027-02-22"),
    ):
        clock = clocks[name]
        [event] = moved_events(clock.case)
        assert event.actor == admin and event.effective_on == D(2026, 12, 28)
        assert event.old_status == event.new_status == clock.case.status
        assert event.data == {
            "deadline": clock.pk,
            "clock": "handling",
            "old_due": old,
            "new_due": new,
            "provisional": name == "workdays",
        }
        assert "时限因工作日历调整由" in event.comment and "改为" in event.comment

    notifications = Notification.objects.filter(kind=CaseNotificationKind.DEADLINE_MOVED)
    assert {(n.recipient.username, n.case_number) for n in notifications} == {
        ("handler1", clocks["rolled"].case.number),
        ("colleague1", clocks["rolled"].case.number),
        ("handler2", clocks["workdays"].case.number),
    }
    assert all(n.url.endswith(f"/{n.case_number}/") for n in notifications)


def test_a_rerun_changes_nothing(clocks, admin):
    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), True, "调休上班")])
    after = dues(clocks)
    counts = (CaseEvent.objects.count(), Notification.objects.count())

    again = calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), True, "调休上班")])
    assert again.moved == 0 and again.days == frozenset()
    call_command("recompute_deadlines")
    assert deadlines_recompute(actor=admin, on=D(2026, 12, 28)) == 0

    assert dues(clocks) == after
    assert (CaseEvent.objects.count(), Notification.objects.count()) == counts


def test_removing_the_day_again_moves_the_clocks_back(clocks, admin):
    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), True, "调休上班")])
    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), None)])
    assert dues(clocks) == BEFORE
    assert moved_events().count() == 4


def test_met_clocks_and_hand_set_clocks_never_change(clocks, admin):
    calendar_year_load_official(
        actor=admin,
        year=2027,
        rest_days=parse_days("2027-01-01, 2027-02-05..2027-02-13, 2027-02-22"),
        workdays=[D(2027, 2, 20)],
    )
    assert due_of(clocks["met"]) == BEFORE["met"]
    assert due_of(clocks["assignment"]) == BEFORE["assignment"]
    assert not moved_events(clocks["met"].case).exists()


# --- the official schedule ends the provisional marks -----------------------------------------


def test_loading_the_official_schedule_recomputes_and_clears_the_marks(clocks, admin):
    # A schedule like the State Council's (invented for the test): Spring Festival
    # 02-05..02-13 off, Sat 02-20 worked.
    result = calendar_year_load_official(
        actor=admin,
        year=2027,
        rest_days=parse_days("2027-01-01, 2027-02-05..2027-02-13"),
        workdays=[D(2027, 2, 20)],
        source="国办发明电〔2026〕N号",
    )
    assert dues(clocks) == {
        "far": (D(2027, 1, 19), False),  # the same day, no longer a guess: no event
        "rolled": (D(2027, 2, 20), False),  # Sat 02-20 is worked
        # 40 workdays after Tue 2026-12-22: 12-23..12-31 (7), January without 01-01 (27),
        # 02-01..02-04 (31), 02-05..02-14 off, 02-15..02-19 (36), Sat 02-20 (37),
        # 02-22..02-24 (40).
        "workdays": (D(2027, 2, 24), False),
        "crossing": (D(2027, 2, 23), False),
        "met": BEFORE["met"],
        "assignment": BEFORE["assignment"],
    }
    moved = {event.case_id: event.data["new_due"] for event in moved_events()}
    assert moved == {
        clocks["rolled"].case_id: "2027-02-20",
        clocks["workdays"].case_id: "2027-02-24",
    }
    assert result.moved == 2


# --- clocks without a rule of their own days ---------------------------------------------------


def test_an_extended_clock_adds_its_days_to_the_recomputed_due(
    handler1, city_leader, admin, clock_at
):
    case = accepted_case(handler1, D(2026, 11, 20), clock_at)
    assert due_of(handling(case)) == (D(2027, 1, 19), True)
    clock_at(D(2026, 12, 28))
    approval = services.case_request_extension(
        actor=handler1, case=case, days=30, reason="涉及多个部门", on=D(2026, 12, 28)
    )
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 12, 28))
    # 01-19 + 30 = Thu 02-18.
    assert due_of(handling(case)) == (D(2027, 2, 18), True)

    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 1, 19), False, "临时停工")])

    # The rule's 60 days now end on Wed 01-20; the 30 days of the extension run from there.
    assert due_of(handling(case)) == (D(2027, 2, 19), True)
    clock = handling(case)
    assert clock.extended_days == 30
    [event] = moved_events(case)
    assert (event.data["old_due"], event.data["new_due"]) == ("2027-02-18", "2027-02-19")


def test_a_paused_clock_keeps_its_paused_days(handler1, admin, clock_at):
    case = accepted_case(handler1, D(2026, 12, 10), clock_at)
    rule = DeadlineRule.objects.get(kind=DeadlineKind.REREVIEW, jurisdiction=None)
    # A re-review that started 2026-12-20 with a 5-day hearing: 30 + 5 = 35 days, to Sun
    # 2027-01-24, rolled to Mon 01-25.
    clock = deadline_start(
        case=case,
        kind=DeadlineKind.REREVIEW,
        responsible_unit=handler1.org_unit,
        starts_on=D(2026, 12, 20),
    )
    Deadline.objects.filter(pk=clock.pk).update(paused_days=5, due_on=D(2027, 1, 25))
    assert clock.rule == rule

    calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 1, 25), False, "临时停工")])

    assert due_of(clock) == (D(2027, 1, 26), True)


# --- the upgrade: clocks counted before the provisional holidays ------------------------------


def test_the_command_recomputes_clocks_counted_on_weekends_alone(handler1, clock_at):
    case = accepted_case(handler1, D(2026, 12, 10), clock_at)
    # What the calendar gave before this change: the Spring Festival Monday.
    Deadline.objects.filter(pk=handling(case).pk).update(
        due_on=D(2027, 2, 8), due_provisional=False
    )

    call_command("recompute_deadlines", "--year=2027")

    assert due_of(handling(case)) == (D(2027, 2, 11), True)
    [event] = moved_events(case)
    assert event.actor is None and event.data["old_due"] == "2027-02-08"


# --- cost -----------------------------------------------------------------------------------------


def test_recomputing_runs_the_same_queries_for_2_and_6_clocks(
    handler1, colleague1, admin, clock_at
):
    CalendarYear.objects.create(year=2027)
    assert admin.has_perm("accounts.change_calendarday")  # the permissions, read once
    for _n in range(2):
        accepted_case(handler1, D(2026, 12, 10), clock_at)
    change = [DayEntry(D(2027, 2, 11), False)]
    with CaptureQueriesContext(connection) as few:
        assert calendar_days_set(actor=admin, entries=change).moved == 2
    CalendarDay.objects.all().delete()  # behind the service's back: those two stay moved
    for _n in range(6):
        accepted_case(handler1, D(2026, 12, 10), clock_at)
    with CaptureQueriesContext(connection) as many:
        assert calendar_days_set(actor=admin, entries=change).moved == 6
    assert len(many.captured_queries) == len(few.captured_queries)
