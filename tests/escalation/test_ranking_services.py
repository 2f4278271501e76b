"""The monthly unit ranking (通报): with known answers, clocks and evaluations over three months
(August to October 2026, today being 2026-11-22) the order, the bottom three, the streaks and
the notices come out as expected; running a month again changes and sends nothing."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Evaluation,
    EvaluationResult,
    MatterKind,
    Reply,
    ReplyStatus,
)
from escalation.kinds import EscalationNotificationKind
from escalation.models import RankingNotice, RankingNoticeKind, UnitRanking
from escalation.ranking.services import (
    last_month,
    month_figures,
    parse_month,
    units_rank,
)
from escalation.tasks import rank_units
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
AUG, SEP, OCT = D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)
_numbers = itertools.count(1)


# --- building known data --------------------------------------------------------------------------


def _case(unit, **fields) -> Case:
    number = f"T-2026-{next(_numbers):06d}"
    return Case.objects.create(
        number=number,
        matter_kind=MatterKind.COMPLAINT,
        receiving_unit=unit,
        owner_unit=unit,
        location_unit=unit,
        summary="测试事项",
        received_at=datetime.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI),
        last_step_on=D(2026, 7, 1),
        **fields,
    )


def answered(unit, day: int, month: D, *, on_time: bool, clerk, evaluation: str | None = None):
    """A case `unit` answered on `day` of `month`: its handling clock (due the 20th when on
    time, the 5th when late) met that day, the reply delivered, and, when given, the
    petitioner's evaluation three days later."""
    delivered = month.replace(day=day)
    case = _case(
        unit,
        status=CaseStatus.EVALUATED if evaluation else CaseStatus.REPLIED,
        answering_unit=unit,
        answered_on_time=on_time,
    )
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.HANDLING,
        responsible_unit=unit,
        starts_on=month.replace(day=1) - datetime.timedelta(days=40),
        due_on=month.replace(day=20 if on_time else 5),
        met_on=delivered,
        met_at=timezone.now(),
    )
    # The review window that opens on delivery is the petitioner's: never overdue.
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.REVIEW_REQUEST,
        responsible_unit=unit,
        starts_on=delivered,
        due_on=delivered + datetime.timedelta(days=1),
    )
    Reply.objects.create(
        case=case,
        request="请求",
        facts_and_reasons="事实",
        unit=unit,
        drafted_by=clerk,
        drafted_on=delivered,
        status=ReplyStatus.DELIVERED,
        delivered_on=delivered,
    )
    if evaluation:
        Evaluation.objects.create(
            case=case,
            result=evaluation,
            contact="信访人",
            evaluated_on=delivered + datetime.timedelta(days=3),
            recorded_by=clerk,
        )
    return case


def open_overdue(unit, due: D) -> Deadline:
    """A handling clock of `unit` due on `due` and never met."""
    return Deadline.objects.create(
        case=_case(unit, status=CaseStatus.IN_PROGRESS),
        kind=DeadlineKind.HANDLING,
        responsible_unit=unit,
        starts_on=due - datetime.timedelta(days=60),
        due_on=due,
    )


SAT, BASIC, DIS = (
    EvaluationResult.SATISFIED,
    EvaluationResult.BASICALLY_SATISFIED,
    EvaluationResult.DISSATISFIED,
)


@pytest.fixture
def staff(org, handler1, handler2, street_handler):
    """Handlers of the five units ranked, and a leader of the street."""
    return {
        "D1XFJ": handler1,
        "D2XFJ": handler2,
        "D1S1": street_handler,
        "D1JY": _user("d1_business", org.d1_business, "handler"),
        "D2JY": _user("d2_business", org.d2_business, "handler"),
        "street_leader": _user("street_leader", org.d1_street, "leader"),
    }


@pytest.fixture
def three_months(org, staff, frozen_now):
    """August: D1XFJ 2/2 on time (2 satisfied); D2XFJ 1/2 (1 satisfied); D1JY 1/2 (1
    dissatisfied); D1S1 0/1; D2JY answered nothing, two clocks overdue and left open.

    September: D1XFJ 1/1 (satisfied); D1JY 2/2 (1 basically satisfied, 1 dissatisfied);
    D2XFJ 1/2; D1S1 0/1; D2JY's two clocks still open.

    October: D1XFJ 1/1 (satisfied); D2JY 2/2 (2 satisfied) and its two old clocks met late;
    D1JY 1/1 (not evaluated); D2XFJ 1/2; D1S1 0/1."""
    u = org.by_code
    c = staff
    answered(u["D1XFJ"], 10, AUG, on_time=True, clerk=c["D1XFJ"], evaluation=SAT)
    answered(u["D1XFJ"], 11, AUG, on_time=True, clerk=c["D1XFJ"], evaluation=SAT)
    answered(u["D2XFJ"], 12, AUG, on_time=True, clerk=c["D2XFJ"], evaluation=SAT)
    answered(u["D2XFJ"], 13, AUG, on_time=False, clerk=c["D2XFJ"])
    answered(u["D1JY"], 14, AUG, on_time=True, clerk=c["D1JY"], evaluation=DIS)
    answered(u["D1JY"], 15, AUG, on_time=False, clerk=c["D1JY"])
    answered(u["D1S1"], 16, AUG, on_time=False, clerk=c["D1S1"])
    old = [open_overdue(u["D2JY"], D(2026, 8, 10)), open_overdue(u["D2JY"], D(2026, 8, 12))]

    answered(u["D1XFJ"], 10, SEP, on_time=True, clerk=c["D1XFJ"], evaluation=SAT)
    answered(u["D1JY"], 11, SEP, on_time=True, clerk=c["D1JY"], evaluation=BASIC)
    answered(u["D1JY"], 12, SEP, on_time=True, clerk=c["D1JY"], evaluation=DIS)
    answered(u["D2XFJ"], 13, SEP, on_time=True, clerk=c["D2XFJ"])
    answered(u["D2XFJ"], 14, SEP, on_time=False, clerk=c["D2XFJ"])
    answered(u["D1S1"], 15, SEP, on_time=False, clerk=c["D1S1"])

    answered(u["D1XFJ"], 10, OCT, on_time=True, clerk=c["D1XFJ"], evaluation=SAT)
    answered(u["D2JY"], 11, OCT, on_time=True, clerk=c["D2JY"], evaluation=SAT)
    answered(u["D2JY"], 12, OCT, on_time=True, clerk=c["D2JY"], evaluation=SAT)
    for clock in old:
        clock.met_on, clock.met_at = D(2026, 10, 12), timezone.now()
        clock.save()
    answered(u["D1JY"], 13, OCT, on_time=True, clerk=c["D1JY"])
    answered(u["D2XFJ"], 14, OCT, on_time=True, clerk=c["D2XFJ"])
    answered(u["D2XFJ"], 15, OCT, on_time=False, clerk=c["D2XFJ"])
    answered(u["D1S1"], 16, OCT, on_time=False, clerk=c["D1S1"])


def table(month: D) -> list[tuple]:
    return list(
        UnitRanking.objects.filter(month=month)
        .order_by("rank")
        .values_list(
            "unit__code",
            "handled",
            "on_time",
            "overdue",
            "evaluated",
            "satisfied",
            "in_bottom",
            "bottom_streak",
        )
    )


def notices(month: D) -> list[tuple]:
    return sorted(
        RankingNotice.objects.filter(month=month).values_list("unit__code", "kind", "number")
    )


# --- the acceptance scenario ----------------------------------------------------------------------


def test_three_months_give_the_expected_order_notices_and_rerunning_sends_nothing(
    three_months, staff
):
    units_rank(month=AUG)
    assert table(AUG) == [
        ("D1XFJ", 2, 2, 0, 2, 2, False, 0),
        ("D2XFJ", 2, 1, 1, 1, 1, False, 0),
        ("D1JY", 2, 1, 1, 1, 0, True, 1),
        ("D1S1", 1, 0, 1, 0, 0, True, 1),
        ("D2JY", 0, 0, 2, 0, 0, True, 1),
    ]
    assert notices(AUG) == []

    units_rank(month=SEP)
    assert table(SEP) == [
        ("D1XFJ", 1, 1, 0, 1, 1, False, 0),
        ("D1JY", 2, 2, 0, 2, 1, False, 0),
        ("D2XFJ", 2, 1, 1, 0, 0, True, 1),
        ("D1S1", 1, 0, 1, 0, 0, True, 2),
        ("D2JY", 0, 0, 2, 0, 0, True, 2),
    ]
    # The street is noticed by its district's petition office, the district department by
    # its own government's petition office.
    assert notices(SEP) == [
        ("D1S1", RankingNoticeKind.RECTIFICATION, "东湖区信访局整改〔2026〕1号"),
        ("D2JY", RankingNoticeKind.RECTIFICATION, "西山区信访局整改〔2026〕1号"),
    ]

    units_rank(month=OCT)
    assert table(OCT) == [
        ("D1XFJ", 1, 1, 0, 1, 1, False, 0),
        ("D2JY", 2, 2, 2, 2, 2, False, 0),
        ("D1JY", 1, 1, 0, 0, 0, True, 1),
        ("D2XFJ", 2, 1, 1, 0, 0, True, 2),
        ("D1S1", 1, 0, 1, 0, 0, True, 3),
    ]
    # A district petition office is noticed by the city's.
    assert notices(OCT) == [
        ("D1S1", RankingNoticeKind.SELF_EXAMINATION, "东湖区信访局检查〔2026〕1号"),
        ("D2XFJ", RankingNoticeKind.RECTIFICATION, "江城市信访局整改〔2026〕1号"),
    ]
    told = sorted(
        Notification.objects.filter(kind=EscalationNotificationKind.RANKING).values_list(
            "recipient__username", "url"
        )
    )
    assert told == [
        ("d2_business", "/escalation/rankings/2026-09/"),
        ("handler2", "/escalation/rankings/2026-10/"),
        ("street_handler", "/escalation/rankings/2026-09/"),
        ("street_handler", "/escalation/rankings/2026-10/"),
        ("street_leader", "/escalation/rankings/2026-09/"),
        ("street_leader", "/escalation/rankings/2026-10/"),
    ]

    before = (table(SEP), table(OCT), notices(SEP), notices(OCT), Notification.objects.count())
    again = units_rank(month=SEP)
    units_rank(month=OCT)
    assert (again.notices, again.notifications) == ([], 0)
    after = (table(SEP), table(OCT), notices(SEP), notices(OCT), Notification.objects.count())
    assert after == before
    assert UnitRanking.objects.count() == 15 and RankingNotice.objects.count() == 4


def test_rerunning_the_beat_task_and_the_command_for_a_month_adds_nothing(three_months):
    for month in ("2026-08", "2026-09"):
        rank_units(month=month)
    counts = (
        UnitRanking.objects.count(),
        RankingNotice.objects.count(),
        Notification.objects.count(),
    )
    call_command("rank_units", "--month", "2026-09")
    assert rank_units(month="2026-09")["notices"] == []
    assert counts == (
        UnitRanking.objects.count(),
        RankingNotice.objects.count(),
        Notification.objects.count(),
    )


def test_the_task_and_the_command_default_to_last_month(frozen_now, org):
    assert last_month() == OCT
    assert rank_units()["month"] == "2026-10"
    call_command("rank_units")


def test_a_rectification_notice_is_due_in_a_month_and_names_its_issuer(three_months):
    units_rank(month=AUG)
    units_rank(month=SEP)
    notice = RankingNotice.objects.get(unit__code="D1S1")
    assert notice.due_on == D(2026, 12, 22)  # 30 days after 2026-11-22
    assert notice.issuing_unit.code == "D1XFJ"


# --- the figures ----------------------------------------------------------------------------------


def test_rows_of_units_no_longer_ranked_are_dropped_on_a_rerun(three_months, org):
    units_rank(month=AUG)
    Case.objects.filter(answering_unit=org.d1_office).update(answering_unit=None)
    units_rank(month=AUG)
    assert "D1XFJ" not in [row[0] for row in table(AUG)]
    assert [row[0] for row in table(AUG)] == ["D2XFJ", "D1JY", "D1S1", "D2JY"]


def test_three_units_or_fewer_have_no_bottom_three(org, staff, frozen_now):
    answered(org.d1_office, 10, OCT, on_time=True, clerk=staff["D1XFJ"])
    answered(org.d1_business, 10, OCT, on_time=False, clerk=staff["D1JY"])
    open_overdue(org.d1_street, D(2026, 10, 3))
    result = units_rank(month=OCT)
    assert [r.unit.code for r in result.rankings] == ["D1XFJ", "D1JY", "D1S1"]
    assert not any(r.in_bottom for r in result.rankings)


def test_overdue_counts_late_and_still_open_clocks_but_not_the_petitioners_windows(
    org, staff, frozen_now
):
    unit = org.d1_office
    open_overdue(unit, D(2026, 10, 31))  # due the last day, still open: overdue at month end
    open_overdue(unit, D(2026, 11, 1))  # due after the month: not yet
    met_late = open_overdue(unit, D(2026, 9, 20))
    met_late.met_on, met_late.met_at = D(2026, 10, 2), timezone.now()
    met_late.save()
    met_before = open_overdue(unit, D(2026, 9, 1))
    met_before.met_on, met_before.met_at = D(2026, 9, 30), timezone.now()
    met_before.save()
    window = open_overdue(unit, D(2026, 10, 1))
    window.kind = DeadlineKind.REVIEW_REQUEST
    window.save()
    assert month_figures(OCT)[unit.pk].overdue == 2
    assert month_figures(SEP)[unit.pk].overdue == 2  # 9-20 open at the end, 9-30 met late


def test_a_case_answered_through_the_services_counts_for_its_answering_unit(
    handler1, city_leader, frozen_now
):
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 10, 5, 9, tzinfo=SHANGHAI)
    ).petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 10, 6))
    reply = services.reply_draft(
        actor=handler1,
        case=case,
        request="支付工资",
        facts_and_reasons="经核实属实。",
        opinion="support",
        legal_basis="《劳动合同法》第三十条",
        on=D(2026, 10, 20),
    )
    services.approval_decide(
        actor=city_leader, approval=reply.approvals.get(), approve=True, on=D(2026, 10, 21)
    )
    services.reply_deliver(actor=handler1, case=case, method="in_person", on=D(2026, 10, 22))
    services.case_evaluate(
        actor=handler1, case=case, result="basically_satisfied", contact="本人", on=D(2026, 10, 25)
    )
    figures = month_figures(OCT)[handler1.org_unit_id]
    assert (figures.handled, figures.on_time, figures.overdue) == (1, 1, 0)
    assert (figures.evaluated, figures.satisfied) == (1, 1)


def test_ranking_a_month_takes_the_same_few_queries_for_many_cases(org, staff, frozen_now):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            units_rank(month=OCT)
        return len(captured)

    for code in ("D1XFJ", "D2XFJ", "D1JY", "D1S1"):
        answered(org.by_code[code], 10, OCT, on_time=True, clerk=staff[code], evaluation=SAT)
    few = queries()
    for code in ("D1XFJ", "D2XFJ", "D1JY", "D1S1"):
        for day in range(11, 21):
            answered(org.by_code[code], day, OCT, on_time=day % 2 == 0, clerk=staff[code])
        open_overdue(org.by_code[code], D(2026, 10, 3))
    assert queries() <= few
    assert few <= 12


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", [D(2026, 10, 2), D(2026, 11, 1), D(2027, 1, 1), "2026-10"])
def test_a_month_that_is_not_a_past_months_first_day_is_refused(month, frozen_now, db):
    with pytest.raises(ValidationError) as excinfo:
        units_rank(month=month)
    assert list(excinfo.value.message_dict) == ["month"]


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "202610", "", "2026-10-01", "abcd-ef"])
def test_parse_month_refuses_anything_but_yyyy_mm(value):
    with pytest.raises(ValidationError) as excinfo:
        parse_month(value)
    assert list(excinfo.value.message_dict) == ["month"]
    assert parse_month("2026-10") == OCT


def test_the_command_refuses_a_bad_month(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rank_units", "--month", "2026-13")


# --- two runs at once -----------------------------------------------------------------------------


def test_two_runs_at_once_issue_each_notice_and_notification_once(
    postgres_only, transactional_db, three_months
):
    """Two beat processes (or a beat and a clerk's command) ranking September together on
    PostgreSQL: the second waits on the first's rows and finds its notices already there."""
    import threading

    from django.db import connections

    units_rank(month=AUG)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            units_rank(month=SEP)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert notices(SEP) == [
        ("D1S1", RankingNoticeKind.RECTIFICATION, "东湖区信访局整改〔2026〕1号"),
        ("D2JY", RankingNoticeKind.RECTIFICATION, "西山区信访局整改〔2026〕1号"),
    ]
    assert Notification.objects.filter(kind=EscalationNotificationKind.RANKING).count() == 3
    assert UnitRanking.objects.filter(month=SEP).count() == 5
