"""The suggestions' track (建议意见类, Art. 29), time frozen on 2026-11-22 with back-entered
dates: accepting a suggestion starts its own answer clock (30 days, rolled past rest days),
never the 60-day handling clock; it is not extended, its answer takes a decision (采纳 / 部分采纳
/ 暂不采纳) with reasons and is not reviewed; a complaint takes only Art. 32's opinions."""

import datetime

import pytest

from cases import services
from cases.forms import ReplyForm
from cases.models import (
    ANSWER_CLOCKS,
    CaseStatus,
    DeadlineKind,
    DeadlineRule,
    MatterKind,
    Opinion,
)
from core.exceptions import Conflict, ValidationError
from core.workcalendar import Counting, due, is_workday
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

pytestmark = pytest.mark.usefixtures("frozen_now")


def clock(case, kind):
    return case.deadlines.filter(kind=kind, assignment__isnull=True).latest("pk")


RECEIVED = D(2026, 9, 4)


def suggestion(handler, *, received=RECEIVED, **overrides):
    return register_petition(
        handler,
        matter_kind=MatterKind.SUGGESTION,
        received_at=datetime.datetime(
            received.year, received.month, received.day, 9, tzinfo=SHANGHAI
        ),
        summary="建议在东湖公园增设无障碍通道",
        **overrides,
    ).petition.case


@pytest.fixture
def accepted(handler1):
    case = suggestion(handler1)
    return services.case_accept(actor=handler1, case=case, on=D(2026, 9, 5))


def draft(case, handler, *, opinion="partly_adopted", reasons="经研究论证，部分可行。", on=None):
    return services.reply_draft(
        actor=handler,
        case=case,
        request="建议在各出入口增设无障碍通道。",
        facts_and_reasons=reasons,
        opinion=opinion,
        on=on or D(2026, 9, 20),
    )


def test_the_suggestion_clock_has_a_national_rule_of_thirty_calendar_days(org):
    rule = DeadlineRule.objects.get(kind=DeadlineKind.SUGGESTION_ANSWER, jurisdiction=None)
    assert (rule.days, rule.counting) == (30, Counting.CALENDAR_DAYS)
    assert DeadlineKind.SUGGESTION_ANSWER in ANSWER_CLOCKS


def test_accepting_a_suggestion_starts_its_answer_clock_rolled_past_national_day(accepted):
    # 30 days from 2026-09-05 end on 2026-10-05, inside the National Day holiday (10-01 to
    # 10-07): the due day is the first workday after it, Thursday 2026-10-08.
    assert not is_workday(D(2026, 10, 5))
    expected = due(D(2026, 9, 5), 30, Counting.CALENDAR_DAYS).on
    assert expected == D(2026, 10, 8) and is_workday(expected)
    answer = clock(accepted, DeadlineKind.SUGGESTION_ANSWER)
    assert (answer.starts_on, answer.due_on) == (D(2026, 9, 5), expected)
    assert not accepted.deadlines.filter(kind=DeadlineKind.HANDLING).exists()


def test_a_complaint_still_runs_the_handling_clock(handler1):
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 9, 4, 9, tzinfo=SHANGHAI)
    ).petition.case
    case = services.case_accept(actor=handler1, case=case, on=D(2026, 9, 5))
    assert case.deadlines.filter(kind=DeadlineKind.HANDLING, met_at__isnull=True).exists()
    assert not case.deadlines.filter(kind=DeadlineKind.SUGGESTION_ANSWER).exists()


def test_a_suggestion_takes_no_simplified_procedure(handler1):
    case = suggestion(handler1)
    with pytest.raises(ValidationError) as refused:
        services.case_accept(actor=handler1, case=case, simplified=True, on=D(2026, 9, 5))
    assert "simplified" in refused.value.message_dict


def test_a_suggestion_is_not_extended(accepted, handler1):
    with pytest.raises(Conflict) as refused:
        services.case_request_extension(
            actor=handler1, case=accepted, days=10, reason="需要调研", on=D(2026, 9, 10)
        )
    assert "不予延期" in str(refused.value)
    assert not accepted.approvals.exists()


def test_a_suggestion_needs_one_of_the_three_decisions(accepted, handler1):
    for opinion in ("", "support", "explain", "not_support", "bogus"):
        with pytest.raises(ValidationError) as refused:
            draft(accepted, handler1, opinion=opinion)
        assert list(refused.value.message_dict) == ["opinion"]
    assert not accepted.replies.exists()


def test_a_suggestion_needs_its_reasons(accepted, handler1):
    with pytest.raises(ValidationError) as refused:
        draft(accepted, handler1, reasons="  ")
    assert "facts_and_reasons" in refused.value.message_dict


def test_a_complaint_refuses_a_suggestion_decision(handler1):
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 9, 4, 9, tzinfo=SHANGHAI)
    ).petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 9, 5))
    with pytest.raises(ValidationError) as refused:
        services.reply_draft(
            actor=handler1,
            case=case,
            request="支付工资",
            facts_and_reasons="经核实",
            opinion="adopted",
            legal_basis="依据",
            on=D(2026, 9, 20),
        )
    assert list(refused.value.message_dict) == ["opinion"]


def test_the_answer_meets_the_suggestion_clock_and_is_not_reviewed(
    accepted, handler1, city_leader, d1_handler
):
    reply = draft(accepted, handler1, opinion="adopted")
    assert reply.opinion == Opinion.ADOPTED
    services.approval_decide(
        actor=city_leader, approval=accepted.approvals.get(), approve=True, on=D(2026, 9, 21)
    )
    services.reply_deliver(actor=handler1, case=accepted, method="post", on=D(2026, 9, 22))
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.REPLIED and accepted.answered_on_time is True
    answer = clock(accepted, DeadlineKind.SUGGESTION_ANSWER)
    assert answer.met_at is not None and answer.met_in_time
    delivered = accepted.events.get(kind="reply_delivered")
    assert delivered.data["opinion"] == "adopted"
    with pytest.raises(Conflict) as refused:
        services.case_request_review(
            actor=d1_handler, case=accepted, request="不服", on=D(2026, 9, 30)
        )
    assert "不适用复查" in str(refused.value)
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.REPLIED


def test_an_answer_after_the_clock_is_late(accepted, handler1, city_leader):
    late_day = clock(accepted, DeadlineKind.SUGGESTION_ANSWER).due_on + datetime.timedelta(days=3)
    draft(accepted, handler1, opinion="not_adopted", on=late_day)
    services.approval_decide(
        actor=city_leader, approval=accepted.approvals.get(), approve=True, on=late_day
    )
    services.reply_deliver(actor=handler1, case=accepted, method="sms", on=late_day)
    accepted.refresh_from_db()
    assert accepted.answered_on_time is False


def test_the_reply_form_offers_the_decisions_for_a_suggestion(accepted, handler1):
    form = ReplyForm(case=accepted, user=handler1)
    offered = [value for value, _label in form.fields["opinion"].choices if value]
    assert offered == ["adopted", "partly_adopted", "not_adopted"]
    assert form.fields["opinion"].required
    assert "resolved" not in form.fields and "agreement" not in form.fields


def test_the_reply_form_offers_the_opinions_for_a_complaint(handler1):
    case = register_petition(handler1).petition.case
    form = ReplyForm(case=case, user=handler1)
    offered = [value for value, _label in form.fields["opinion"].choices if value]
    assert offered == ["support", "explain", "not_support"]
    bound = ReplyForm(
        {"request": "r", "facts_and_reasons": "f", "opinion": "adopted"}, case=case, user=handler1
    )
    assert "opinion" in bound.errors


def test_the_deadline_scan_reminds_an_overdue_suggestion_once(accepted):
    from escalation.deadlines.services import deadlines_scan
    from escalation.models import Reminder

    answer = clock(accepted, DeadlineKind.SUGGESTION_ANSWER)
    # Today (2026-11-22) is past its due date (2026-10-08): overdue, escalated.
    deadlines_scan()
    stages = set(Reminder.objects.filter(deadline=answer).values_list("stage", flat=True))
    assert "overdue" in stages
    count = Reminder.objects.count()
    deadlines_scan()
    assert Reminder.objects.count() == count
