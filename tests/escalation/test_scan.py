"""The deadline reminder scan: once per clock and stage, whoever runs it and how often."""

import datetime
import threading
import zoneinfo
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseEvent, Deadline, DeadlineKind, WrittenNotice
from core.workcalendar import overdue_since
from escalation.deadlines.services import deadlines_scan
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind
from escalation.models import Reminder, SupervisionNotice
from escalation.notices.services import supervision_notice_issue
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def clock_at(time_machine):
    """Move "now" to noon of a given day (what the scan, the services and auto_now read)."""

    def move(day: datetime.date) -> datetime.date:
        moment = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
        time_machine.move_to(moment, tick=False)
        return day

    return move


@pytest.fixture
def d1_leader(org):
    return _user("d1_leader", org.d1, "leader", last_name="冯", first_name="区长")


@pytest.fixture
def handling_case(handler1, d1_leader, city_leader, city_supervisor, org, clock_at):
    """A case accepted by D1XFJ whose handling clock is due on Tuesday 2026-11-24: two
    workdays after Sunday 2026-11-22."""
    clock_at(D(2026, 11, 22))
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
    ).petition.case
    case_services.case_accept(actor=handler1, case=case)
    Deadline.objects.filter(case=case, kind=DeadlineKind.HANDLING).update(due_on=D(2026, 11, 24))
    return case


def received(kind: str) -> Counter:
    return Counter(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_overdue_since_counts_workdays_back_across_national_day(db):
    # 10-01..07 are holidays; 09-27 is a Sunday; 10-10 a make-up workday.
    assert overdue_since(D(2026, 10, 9), 5) == D(2026, 9, 27)
    assert overdue_since(D(2026, 10, 10), 1) == D(2026, 10, 9)
    assert overdue_since(D(2026, 11, 23), 1) == D(2026, 11, 22)
    assert overdue_since(D(2026, 12, 1), 5) == D(2026, 11, 24)


def test_due_soon_once_then_overdue_once_per_recipient_then_one_escalation_and_notice(
    handling_case, handler1, d1_leader, city_leader, city_supervisor, org, clock_at
):
    for _ in range(3):
        deadlines_scan()
    assert received("due_soon") == {"handler1": 1}
    assert not received("overdue")

    clock_at(D(2026, 11, 24))  # the due day itself: still only "due soon"
    deadlines_scan()
    assert not received("overdue")

    clock_at(D(2026, 11, 25))
    for _ in range(2):
        deadlines_scan()
    # The responsible handler, the unit's head and the supervisors of the level above.
    assert received("overdue") == {"handler1": 1, "d1_leader": 1, "city_supervisor": 1}
    assert not received("escalated")

    clock_at(D(2026, 11, 30))  # four workdays overdue
    deadlines_scan()
    assert not received("escalated")
    assert not SupervisionNotice.objects.exists()

    clock_at(D(2026, 12, 1))  # five workdays overdue
    for _ in range(3):
        deadlines_scan()
    # No sponsoring leader: the escalation goes to the leaders of the level above.
    assert received("escalated") == {"city_leader": 1}
    notice = SupervisionNotice.objects.get()
    assert notice.automatic and notice.issued_by is None
    assert notice.case == handling_case and notice.unit == org.d1_office
    assert notice.issuing_unit == org.city_office
    assert notice.due_on == D(2026, 12, 8)  # five workdays to answer
    assert notice.deadline.kind == EscalationDeadlineKind.SUPERVISION_NOTICE
    assert received("supervision")["handler1"] == 1
    escalations = CaseEvent.objects.filter(
        case=handling_case, kind=EscalationEventKind.OVERDUE_ESCALATED
    )
    assert escalations.count() == 1
    assert received("due_soon") == {"handler1": 1}
    assert received("overdue") == {"handler1": 1, "d1_leader": 1, "city_supervisor": 1}


def test_escalation_goes_to_the_sponsoring_leader(handling_case, city_leader, d1_leader, clock_at):
    handling_case.sponsoring_leader = d1_leader
    handling_case.save(update_fields=["sponsoring_leader"])
    clock_at(D(2026, 12, 1))
    deadlines_scan()
    assert received("escalated") == {"d1_leader": 1}


def test_an_extended_due_date_starts_a_fresh_round(handling_case, clock_at):
    deadlines_scan()
    Deadline.objects.filter(case=handling_case, kind=DeadlineKind.HANDLING).update(
        due_on=D(2026, 11, 25)
    )
    deadlines_scan()
    deadlines_scan()
    assert received("due_soon") == {"handler1": 2}


def test_met_clocks_and_petitioner_windows_are_never_reminded(handling_case, clock_at):
    clock = Deadline.objects.get(case=handling_case, kind=DeadlineKind.HANDLING)
    Deadline.objects.create(
        case=handling_case,
        kind=DeadlineKind.REVIEW_REQUEST,
        responsible_unit=clock.responsible_unit,
        starts_on=D(2026, 10, 1),
        due_on=D(2026, 11, 2),
    )
    Deadline.objects.filter(pk=clock.pk).update(met_at=timezone.now(), met_on=D(2026, 11, 22))
    # Its acceptance notice was delivered (an undelivered one is chased: test_notices_web).
    WrittenNotice.objects.filter(case=handling_case).update(delivered_on=D(2026, 11, 22))
    clock_at(D(2026, 12, 10))
    result = deadlines_scan()
    assert (result.due_soon, result.overdue, result.escalated) == (0, 0, 0)
    assert not Notification.objects.exists()


def test_a_late_answer_to_a_notice_is_reminded_but_gets_no_notice_of_its_own(
    handling_case, city_supervisor, org, clock_at
):
    Deadline.objects.filter(case=handling_case).update(met_at=timezone.now())
    notice = supervision_notice_issue(
        actor=city_supervisor,
        case=handling_case,
        unit=org.d1_office,
        due_on=D(2026, 11, 24),
        content="请于11月24日前书面报告办理进展。",
    )
    Notification.objects.all().delete()
    deadlines_scan()
    due_soon = Notification.objects.get(kind="due_soon")
    assert due_soon.url == f"/escalation/notices/{notice.pk}/"
    clock_at(D(2026, 12, 2))
    deadlines_scan()
    assert Notification.objects.filter(kind="escalated").exists()
    assert SupervisionNotice.objects.count() == 1


def test_the_command_runs_the_scan(handling_case, capsys):
    call_command("scan_deadlines")
    assert "due soon: 1" in capsys.readouterr().out
    assert Reminder.objects.count() == 1


def test_the_scan_runs_a_bounded_number_of_queries_per_batch(
    handler1, org, clock_at, django_assert_max_num_queries
):
    clock_at(D(2026, 11, 22))
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
    ).petition.case
    unit = org.d1_office
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=EscalationDeadlineKind.JOINT_TASK,
            responsible_unit=unit,
            starts_on=D(2026, 11, 1),
            due_on=D(2026, 11, 23),
        )
        for _ in range(120)
    )
    # 40, and the ledgers' steps with nothing due: a query per ledger and stage (the
    # screening reports and disputes at two stages, the backlog ledger at three: 44 in all
    # today), and the districts whose monthly screening round is to open.
    with django_assert_max_num_queries(46):
        result = deadlines_scan(batch_size=200)
    assert result.due_soon == 120


# --- two scans at once ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_time_send_nothing_twice(
    postgres_only, handler1, colleague1, org, clock_at
):
    clock_at(D(2026, 11, 22))
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
    ).petition.case
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=EscalationDeadlineKind.JOINT_TASK,
            responsible_unit=org.d1_office,
            starts_on=D(2026, 11, 1),
            due_on=D(2026, 11, 2) + datetime.timedelta(days=i % 30),
        )
        for i in range(300)
    )
    overdue = Deadline.objects.filter(met_at__isnull=True, due_on__lt=D(2026, 11, 22)).count()
    start = threading.Barrier(2)
    errors = []

    def scan():
        try:
            start.wait()
            deadlines_scan(batch_size=25)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Every clock reminded exactly once per stage it is in, each time to its two handlers.
    reminders = Counter(Reminder.objects.values_list("stage", flat=True))
    assert reminders["overdue"] == overdue == 200
    assert Notification.objects.filter(kind="overdue").count() == 2 * overdue
    assert reminders["due_soon"] + reminders["overdue"] + reminders["escalated"] == sum(
        reminders.values()
    )
    notices = SupervisionNotice.objects.count()
    assert notices == reminders["escalated"] > 0
    assert Notification.objects.filter(kind="supervision").count() == 2 * notices
    assert len(set(SupervisionNotice.objects.values_list("source_deadline", flat=True))) == notices
