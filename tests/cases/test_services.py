"""Rules of case handling, through the services, on real dates (holidays included)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import (
    ApprovalStatus,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    EventKind,
    ReplyStatus,
)
from core.exceptions import Conflict, NotAllowed
from core.workcalendar import Counting
from tests.factories import deliver, pdf_bytes, petitioner, register_petition

# Every test here works on literal dates: the clock stands at FROZEN_NOW (2026-11-22).
pytestmark = pytest.mark.usefixtures("frozen_now")

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


AUGUST_1 = D(2026, 8, 1)


def new_case(actor, day=AUGUST_1, **overrides) -> Case:
    return register_petition(actor, received_at=received(day), **overrides).petition.case


def clock(case, kind):
    return Deadline.objects.filter(case=case, kind=kind, assignment__isnull=True).latest("pk")


def state(case):
    """Everything a refused action must leave as it was."""
    case.refresh_from_db()
    return (
        case.status,
        case.owner_unit_id,
        case.last_step_on,
        list(case.deadlines.values_list("kind", "due_on", "met_on", "extended_days")),
        case.events.count(),
        list(case.approvals.values_list("kind", "status")),
        list(case.assignments.values_list("status", flat=True)),
    )


@pytest.fixture
def accepted(handler1, frozen_now):
    case = new_case(handler1, D(2026, 7, 1))
    return services.case_accept(actor=handler1, case=case, on=D(2026, 7, 5))


@pytest.fixture
def in_progress(accepted, handler1, street_handler):
    """Accepted 2026-07-05 (handling due 2026-09-03) and assigned to the street office."""
    services.case_assign(
        actor=handler1,
        case=accepted,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请调查核实",
        due_on=D(2026, 8, 20),
        on=D(2026, 7, 6),
    )
    accepted.refresh_from_db()
    return accepted


# --- acceptance --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted_on", "handling_due"),
    [
        (D(2026, 8, 3), D(2026, 10, 8)),  # 60th day 10-02 is in the National Day holiday
        (D(2026, 11, 22), D(2027, 1, 21)),
        (D(2026, 7, 5), D(2026, 9, 3)),
    ],
)
def test_acceptance_starts_the_60_day_handling_clock(
    handler1, frozen_now, accepted_on, handling_due
):
    case = new_case(handler1, accepted_on - datetime.timedelta(days=2))
    services.case_accept(actor=handler1, case=case, on=accepted_on)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.accepted_on == accepted_on
    assert clock(case, DeadlineKind.HANDLING).due_on == handling_due
    acceptance = clock(case, DeadlineKind.ACCEPTANCE)
    assert acceptance.met_on == accepted_on and acceptance.met_in_time


def test_acceptance_event_records_effective_date_and_entry_time(handler1, frozen_now):
    case = new_case(handler1, D(2026, 8, 1))
    services.case_accept(actor=handler1, case=case, on=D(2026, 8, 3), comment="补录纸质受理单")
    event = case.events.get(kind=EventKind.ACCEPTED)
    assert event.effective_on == D(2026, 8, 3)
    assert event.created_at == frozen_now
    assert (event.old_status, event.new_status) == (CaseStatus.REGISTERED, CaseStatus.ACCEPTED)
    assert event.actor == handler1 and event.actor_unit == handler1.org_unit


def test_back_entry_refuses_future_dates_and_dates_before_the_previous_step(handler1, frozen_now):
    case = new_case(handler1, D(2026, 8, 10))
    before = state(case)
    with pytest.raises(ValidationError) as future:
        services.case_accept(actor=handler1, case=case, on=D(2026, 11, 23))
    with pytest.raises(ValidationError) as earlier:
        services.case_accept(actor=handler1, case=case, on=D(2026, 8, 9))
    assert "date" in future.value.message_dict and "date" in earlier.value.message_dict
    assert state(case) == before


def test_accepting_twice_is_a_conflict(accepted, handler1):
    with pytest.raises(Conflict):
        services.case_accept(actor=handler1, case=accepted)


def test_only_a_handler_of_the_deciding_unit_accepts(handler1, city_handler, city_leader):
    case = new_case(handler1)
    for actor in (city_handler, city_leader):
        with pytest.raises(NotAllowed):
            services.case_accept(actor=actor, case=case)
    assert state(case)[0] == CaseStatus.REGISTERED


def test_a_province_rule_applies_to_clocks_started_after_it_takes_effect(handler1, org, frozen_now):
    DeadlineRule.objects.create(
        kind=DeadlineKind.HANDLING,
        jurisdiction=org.province,
        effective_from=D(2026, 9, 1),
        days=30,
        counting=Counting.CALENDAR_DAYS,
    )
    early = new_case(handler1, D(2026, 8, 20))
    late = new_case(handler1, D(2026, 8, 30))
    services.case_accept(actor=handler1, case=early, on=D(2026, 8, 31))
    services.case_accept(actor=handler1, case=late, on=D(2026, 9, 1))
    assert clock(early, DeadlineKind.HANDLING).due_on == D(2026, 10, 30)  # 60 days
    assert clock(late, DeadlineKind.HANDLING).due_on == D(2026, 10, 8)  # 30 days, holiday


# --- forward, divert, not accept ----------------------------------------------------------


def test_forward_gives_the_target_unit_its_own_acceptance_clock(
    handler1, handler2, org, frozen_now
):
    case = new_case(handler1, D(2026, 9, 1))
    services.case_forward(actor=handler1, case=case, to_unit=org.d2_office, on=D(2026, 9, 3))
    case.refresh_from_db()
    assert case.status == CaseStatus.FORWARDED and case.owner_unit == org.d2_office
    clocks = list(case.deadlines.filter(kind=DeadlineKind.ACCEPTANCE).order_by("pk"))
    assert clocks[0].met_on == D(2026, 9, 3)
    assert (clocks[1].responsible_unit, clocks[1].starts_on, clocks[1].due_on) == (
        org.d2_office,
        D(2026, 9, 3),
        D(2026, 9, 18),
    )
    with pytest.raises(NotAllowed):
        services.case_accept(actor=handler1, case=case)
    services.case_accept(actor=handler2, case=case, on=D(2026, 9, 10))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.owner_unit == org.d2_office


def test_divert_records_the_legal_channel(handler1, frozen_now):
    case = new_case(handler1)
    services.case_divert(
        actor=handler1, case=case, channel="litigation", guided_to="东湖区人民法院"
    )
    case.refresh_from_db()
    assert (case.status, case.legal_channel, case.guided_to) == (
        CaseStatus.DIVERTED,
        "litigation",
        "东湖区人民法院",
    )
    assert clock(case, DeadlineKind.ACCEPTANCE).met_on is not None


def test_divert_needs_a_channel_from_the_list(handler1):
    case = new_case(handler1)
    with pytest.raises(ValidationError) as error:
        services.case_divert(actor=handler1, case=case, channel="petition", guided_to="x")
    assert "channel" in error.value.message_dict


def test_not_accepting_waits_for_a_leader_and_blocks_other_decisions(
    handler1, city_leader, frozen_now
):
    case = new_case(handler1, D(2026, 11, 2))
    approval = services.case_propose_not_accept(
        actor=handler1, case=case, reason="outside_remit", text="属于司法程序", on=D(2026, 11, 5)
    )
    assert state(case)[0] == CaseStatus.REGISTERED
    with pytest.raises(Conflict):
        services.case_accept(actor=handler1, case=case)
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 11, 6))
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ACCEPTED and case.decision_reason == "outside_remit"
    assert clock(case, DeadlineKind.ACCEPTANCE).met_on == D(2026, 11, 6)


def test_not_accepting_as_terminated_must_name_the_terminated_case(handler1):
    case = new_case(handler1)
    with pytest.raises(ValidationError) as error:
        services.case_propose_not_accept(actor=handler1, case=case, reason="terminated")
    assert "earlier_case" in error.value.message_dict


def test_sending_back_needs_an_instruction(handler1, city_leader):
    case = new_case(handler1)
    approval = services.case_propose_not_accept(
        actor=handler1, case=case, reason="other", text="理由"
    )
    with pytest.raises(ValidationError) as error:
        services.approval_decide(actor=city_leader, approval=approval, approve=False)
    assert "instruction" in error.value.message_dict
    services.approval_decide(
        actor=city_leader, approval=approval, approve=False, instruction="请先调查"
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.SENT_BACK and approval.instruction == "请先调查"
    services.case_accept(actor=handler1, case=case)  # the case is free again


def test_a_non_leader_cannot_decide_an_approval(handler1, colleague1, city_supervisor):
    case = new_case(handler1)
    approval = services.case_propose_not_accept(actor=handler1, case=case, reason="other", text="x")
    for actor in (colleague1, city_supervisor):
        with pytest.raises(NotAllowed):
            services.approval_decide(actor=actor, approval=approval, approve=True)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


# --- simplified procedure ------------------------------------------------------------------


def test_simplified_track_has_workday_clocks(handler1, frozen_now):
    # Received Wednesday 2026-09-30, just before the National Day holiday (10-01..10-07);
    # Saturday 10-10 is its make-up workday (调休).
    case = new_case(handler1, D(2026, 9, 30))
    assert case.is_first_time
    services.case_accept(actor=handler1, case=case, simplified=True, on=D(2026, 10, 9))
    case.refresh_from_db()
    assert case.simplified
    decision = clock(case, DeadlineKind.SIMPLIFIED_DECISION)
    assert decision.due_on == D(2026, 10, 10) and decision.met_in_time
    assert clock(case, DeadlineKind.SIMPLIFIED_ANSWER).due_on == D(2026, 10, 22)
    assert not case.deadlines.filter(kind=DeadlineKind.HANDLING).exists()


def test_simplified_track_is_refused_after_three_workdays(handler1, frozen_now):
    case = new_case(handler1, D(2026, 9, 30))
    before = state(case)
    with pytest.raises(ValidationError) as error:
        services.case_accept(actor=handler1, case=case, simplified=True, on=D(2026, 10, 12))
    assert "simplified" in error.value.message_dict
    assert state(case) == before


def test_simplified_track_only_for_a_first_time_complaint(handler1, frozen_now):
    person = petitioner()
    new_case(handler1, D(2026, 10, 1), petitioners=[person])
    repeat_person = new_case(handler1, D(2026, 11, 2), petitioners=[person])
    suggestion = new_case(handler1, D(2026, 11, 2), matter_kind="suggestion")
    for case in (repeat_person, suggestion):
        with pytest.raises(ValidationError):
            services.case_accept(actor=handler1, case=case, simplified=True, on=D(2026, 11, 3))


def test_leaving_the_simplified_track_recomputes_from_the_acceptance_date(handler1, frozen_now):
    case = new_case(handler1, D(2026, 8, 1))
    services.case_accept(actor=handler1, case=case, simplified=True, on=D(2026, 8, 3))
    services.case_leave_simplified(actor=handler1, case=case, reason="情况复杂", on=D(2026, 8, 10))
    case.refresh_from_db()
    assert not case.simplified
    assert clock(case, DeadlineKind.HANDLING).due_on == D(2026, 10, 8)
    assert not case.deadlines.filter(kind=DeadlineKind.SIMPLIFIED_ANSWER).exists()


# --- assignments ------------------------------------------------------------------------------


def test_assigning_a_new_case_accepts_it_and_opens_the_assignment_clock(
    handler1, street_handler, org, city_leader, frozen_now
):
    case = new_case(handler1, D(2026, 8, 1))
    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_street,
        co_units=[org.d1_business],
        responsible_person="孙街道",
        leader=city_leader,
        instructions="请核实",
        due_on=D(2026, 9, 1),
        on=D(2026, 8, 3),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.accepted_on == D(2026, 8, 3)
    assert case.sponsoring_leader == city_leader
    assert [e.kind for e in case.events.all()][-2:] == [EventKind.ACCEPTED, EventKind.ASSIGNED]
    assignment_clock = assignment.deadlines.get()
    assert (assignment_clock.responsible_unit, assignment_clock.due_on) == (
        org.d1_street,
        D(2026, 9, 1),
    )
    assert list(assignment.co_units.all()) == [org.d1_business]


def test_assignment_due_date_cannot_pass_the_handling_due(accepted, handler1, org):
    before = state(accepted)
    with pytest.raises(ValidationError) as error:
        services.case_assign(
            actor=handler1,
            case=accepted,
            lead_unit=org.d1_street,
            responsible_person="x",
            instructions="y",
            due_on=D(2026, 9, 4),
        )
    assert "due_on" in error.value.message_dict
    assert state(accepted) == before


@pytest.mark.parametrize("code", ["D2S1", "CT", "D1", "D1XFJ"])
def test_assignment_goes_only_to_a_unit_below(accepted, handler1, org, code):
    with pytest.raises(ValidationError) as error:
        services.case_assign(
            actor=handler1,
            case=accepted,
            lead_unit=org.by_code.get(code) or org.d2_street,
            responsible_person="x",
            instructions="y",
            due_on=D(2026, 8, 1),
        )
    assert "lead_unit" in error.value.message_dict


def test_an_accusation_is_never_assigned_to_the_accused_unit(handler1, org, frozen_now):
    case = new_case(handler1, matter_kind="accusation", accused_unit=org.d1_street)
    with pytest.raises(ValidationError) as error:
        services.case_assign(
            actor=handler1,
            case=case,
            lead_unit=org.d1_community,
            responsible_person="x",
            instructions="y",
            due_on=D(2026, 8, 20),
            on=D(2026, 8, 3),
        )
    assert "lead_unit" in error.value.message_dict


def test_report_back_requires_signing_first_and_stops_the_clock(
    in_progress, street_handler, settings, tmp_path
):
    assignment = in_progress.assignments.get()
    with pytest.raises(Conflict):
        services.assignment_report(actor=street_handler, assignment=assignment, report="x")
    services.assignment_sign(actor=street_handler, assignment=assignment, on=D(2026, 7, 7))
    report = SimpleUploadedFile("调查报告.pdf", pdf_bytes(), content_type="application/pdf")
    services.assignment_report(
        actor=street_handler,
        assignment=assignment,
        report="已协调支付",
        files=[report],
        on=D(2026, 8, 21),
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REPORTED
    clock_row = assignment.deadlines.get()
    assert clock_row.met_on == D(2026, 8, 21) and clock_row.met_in_time is False
    document = assignment.documents.get()
    assert document.content_type == "application/pdf" and document.file.size > 0


def test_a_bad_report_file_writes_nothing(in_progress, street_handler, settings):
    assignment = in_progress.assignments.get()
    services.assignment_sign(actor=street_handler, assignment=assignment, on=D(2026, 7, 7))
    before = state(in_progress)
    fake = SimpleUploadedFile("report.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.assignment_report(
            actor=street_handler, assignment=assignment, report="x", files=[fake]
        )
    assert "files" in error.value.message_dict
    assert state(in_progress) == before


def test_only_the_lead_unit_signs(in_progress, handler1):
    with pytest.raises(NotAllowed):
        services.assignment_sign(actor=handler1, assignment=in_progress.assignments.get())


@pytest.fixture
def assigned_before_the_holiday(handler1, street_handler, frozen_now):
    """Assigned to the street office on Wednesday 2026-09-30: the five workdays to object run
    past the National Day holiday."""
    return services.case_assign(
        actor=handler1,
        case=new_case(handler1, D(2026, 9, 29)),
        lead_unit=street_handler.org_unit,
        responsible_person="x",
        instructions="y",
        due_on=D(2026, 10, 30),
        on=D(2026, 9, 30),
    )


def test_objection_within_five_workdays_returns_the_case(
    assigned_before_the_holiday, handler1, street_handler
):
    assignment = assigned_before_the_holiday
    case = assignment.case
    services.assignment_return(
        actor=street_handler, assignment=assignment, reason="不属本单位职责", on=D(2026, 10, 13)
    )
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.status == AssignmentStatus.RETURNED
    assert case.owner_unit == handler1.org_unit
    assert assignment.deadlines.get().met_on == D(2026, 10, 13)


def test_objection_after_five_workdays_is_refused(assigned_before_the_holiday, street_handler):
    assignment = assigned_before_the_holiday
    case = assignment.case
    before = state(case)
    with pytest.raises(Conflict, match="2026"):
        services.assignment_return(
            actor=street_handler, assignment=assignment, reason="x", on=D(2026, 10, 14)
        )
    assert state(case) == before


# --- extension ----------------------------------------------------------------------------


def test_extension_approved_moves_the_handling_due_date(accepted, handler1, city_leader):
    approval = services.case_request_extension(
        actor=handler1, case=accepted, days=30, reason="需现场调查", on=D(2026, 9, 1)
    )
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 9, 2))
    handling = clock(accepted, DeadlineKind.HANDLING)
    assert (handling.due_on, handling.extended_days) == (D(2026, 10, 8), 30)
    assert accepted.events.filter(kind=EventKind.EXTENSION_APPROVED).exists()


def test_extension_only_once(accepted, handler1, city_leader):
    approval = services.case_request_extension(
        actor=handler1, case=accepted, days=10, reason="x", on=D(2026, 8, 1)
    )
    with pytest.raises(Conflict):  # a request is pending
        services.case_request_extension(actor=handler1, case=accepted, days=5, reason="y")
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 8, 2))
    before = state(accepted)
    with pytest.raises(Conflict):
        services.case_request_extension(
            actor=handler1, case=accepted, days=5, reason="y", on=D(2026, 8, 3)
        )
    assert state(accepted) == before


def test_a_refused_extension_may_be_asked_again(accepted, handler1, city_leader):
    approval = services.case_request_extension(
        actor=handler1, case=accepted, days=10, reason="x", on=D(2026, 8, 1)
    )
    services.approval_decide(
        actor=city_leader,
        approval=approval,
        approve=False,
        instruction="理由不足",
        on=D(2026, 8, 2),
    )
    services.case_request_extension(
        actor=handler1, case=accepted, days=10, reason="补充理由", on=D(2026, 8, 3)
    )


def test_extension_after_the_due_day_is_refused(accepted, handler1):
    before = state(accepted)
    with pytest.raises(Conflict, match="2026"):
        services.case_request_extension(
            actor=handler1, case=accepted, days=10, reason="x", on=D(2026, 9, 4)
        )
    assert state(accepted) == before


def test_extension_may_be_asked_on_the_due_day(accepted, handler1):
    approval = services.case_request_extension(
        actor=handler1, case=accepted, days=10, reason="x", on=D(2026, 9, 3)
    )
    assert approval.status == ApprovalStatus.PENDING


@pytest.mark.parametrize("days", [0, 31, -1])
def test_extension_days_are_between_1_and_30(accepted, handler1, days):
    with pytest.raises(ValidationError) as error:
        services.case_request_extension(
            actor=handler1, case=accepted, days=days, reason="x", on=D(2026, 8, 1)
        )
    assert "days" in error.value.message_dict


# --- reply, delivery, evaluation ------------------------------------------------------------


def test_reply_waits_for_open_assignments(in_progress, handler1):
    with pytest.raises(Conflict):
        services.reply_draft(
            actor=handler1,
            case=in_progress,
            request="r",
            facts_and_reasons="f",
            opinion="support",
            legal_basis="b",
        )


def test_complaint_reply_needs_an_opinion_and_legal_basis(accepted, handler1):
    with pytest.raises(ValidationError) as error:
        services.reply_draft(actor=handler1, case=accepted, request="r", facts_and_reasons="f")
    assert "opinion" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.reply_draft(
            actor=handler1, case=accepted, request="r", facts_and_reasons="f", opinion="support"
        )
    assert "legal_basis" in error.value.message_dict


def test_sent_back_reply_is_redrafted_then_delivered_late(accepted, handler1, city_leader):
    services.reply_draft(
        actor=handler1,
        case=accepted,
        request="r",
        facts_and_reasons="f",
        opinion="support",
        legal_basis="b",
        on=D(2026, 9, 1),
    )
    with pytest.raises(Conflict):
        services.reply_deliver(actor=handler1, case=accepted, method="post")
    first = accepted.approvals.get()
    services.approval_decide(
        actor=city_leader, approval=first, approve=False, instruction="补充依据", on=D(2026, 9, 2)
    )
    accepted.refresh_from_db()
    case = deliver(accepted, handler1, city_leader, on=D(2026, 9, 7))
    assert case.status == CaseStatus.REPLIED
    assert case.answered_on_time is False  # due 2026-09-03
    assert list(case.replies.values_list("status", flat=True)) == [
        ReplyStatus.SENT_BACK,
        ReplyStatus.DELIVERED,
    ]
    assert case.answering_unit == handler1.org_unit


def test_mediation_agreement_is_attached_to_the_reply(accepted, handler1):
    agreement = SimpleUploadedFile("调解协议书.pdf", pdf_bytes(), content_type="application/pdf")
    reply = services.reply_draft(
        actor=handler1,
        case=accepted,
        request="r",
        facts_and_reasons="f",
        opinion="support",
        legal_basis="b",
        resolved=True,
        agreement=agreement,
    )
    assert reply.agreement.kind == "mediation_agreement" and reply.resolved


def test_evaluation_window_is_30_days_after_delivery(accepted, handler1, city_leader):
    case = deliver(accepted, handler1, city_leader, on=D(2026, 8, 1))
    before = state(case)
    with pytest.raises(Conflict):
        services.case_evaluate(
            actor=handler1, case=case, result="satisfied", contact="x", on=D(2026, 9, 1)
        )
    assert state(case) == before
    services.case_evaluate(
        actor=handler1, case=case, result="satisfied", contact="信访人本人", on=D(2026, 8, 31)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.EVALUATED


# --- review, re-review, hearing ------------------------------------------------------------


def test_review_window_follows_the_work_calendar(handler1, city_leader, d1_handler, frozen_now):
    case = new_case(handler1, D(2026, 3, 20))
    services.case_accept(actor=handler1, case=case, on=D(2026, 3, 23))
    case = deliver(case, handler1, city_leader, on=D(2026, 4, 4))
    assert clock(case, DeadlineKind.REVIEW_REQUEST).due_on == D(2026, 5, 6)
    before = state(case)
    with pytest.raises(Conflict):
        services.case_request_review(actor=d1_handler, case=case, request="x", on=D(2026, 5, 7))
    assert state(case) == before
    services.case_request_review(actor=d1_handler, case=case, request="x", on=D(2026, 5, 6))


def test_review_is_received_by_the_superior_not_the_answering_unit(
    accepted, handler1, city_leader, d1_handler, city_handler
):
    case = deliver(accepted, handler1, city_leader, on=D(2026, 8, 10))
    assert services.superior_unit(case, "review") == d1_handler.org_unit
    for actor in (handler1, city_handler):
        with pytest.raises(NotAllowed):
            services.case_request_review(actor=actor, case=case, request="x")
    review = services.case_request_review(
        actor=d1_handler, case=case, request="不服", on=D(2026, 9, 1)
    )
    assert clock(case, DeadlineKind.REVIEW).due_on == D(2026, 10, 8)
    assert review.unit == d1_handler.org_unit


def test_hearing_days_are_not_counted_in_the_rereview(
    accepted, handler1, city_leader, d1_handler, city_handler
):
    case = deliver(accepted, handler1, city_leader, on=D(2026, 8, 1))
    services.case_request_review(actor=d1_handler, case=case, request="x", on=D(2026, 8, 10))
    services.case_review(
        actor=d1_handler, case=case, decision="uphold", opinion="维持", on=D(2026, 8, 20)
    )
    services.case_request_rereview(actor=city_handler, case=case, request="y", on=D(2026, 9, 1))
    assert clock(case, DeadlineKind.REREVIEW).due_on == D(2026, 10, 8)
    services.case_record_hearing(
        actor=city_handler, case=case, starts_on=D(2026, 9, 10), ends_on=D(2026, 9, 14)
    )
    rereview = clock(case, DeadlineKind.REREVIEW)
    assert rereview.paused_days == 5
    assert rereview.due_on == D(2026, 10, 8)  # 10-06 is in the holiday: still 10-08
    services.case_record_hearing(
        actor=city_handler, case=case, starts_on=D(2026, 9, 20), ends_on=D(2026, 9, 22)
    )
    assert clock(case, DeadlineKind.REREVIEW).due_on == D(2026, 10, 9)  # 30 + 8 days
    services.case_rereview(
        actor=city_handler, case=case, decision="change", opinion="变更", on=D(2026, 10, 9)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    assert clock(case, DeadlineKind.REREVIEW).met_in_time


def test_review_decision_needs_a_decision_from_the_list(
    accepted, handler1, city_leader, d1_handler
):
    case = deliver(accepted, handler1, city_leader, on=D(2026, 8, 1))
    services.case_request_review(actor=d1_handler, case=case, request="x", on=D(2026, 8, 10))
    with pytest.raises(ValidationError) as error:
        services.case_review(actor=d1_handler, case=case, decision="maybe", opinion="x")
    assert "decision" in error.value.message_dict


# --- sponsorship ---------------------------------------------------------------------------


def test_a_leader_sponsors_a_case_with_four_fixed_one_sponsored(
    accepted, city_leader, d2_leader, handler1
):
    services.case_sponsor(
        actor=city_leader,
        case=accepted,
        staff=handler1,
        due_on=D(2026, 12, 31),
        responsibility="化解欠薪矛盾",
    )
    accepted.refresh_from_db()
    assert accepted.sponsoring_leader == city_leader and accepted.sponsor_staff == handler1
    with pytest.raises(NotAllowed):  # outside d2_leader's scope
        services.case_sponsor(
            actor=d2_leader, case=accepted, staff=None, due_on=D(2026, 12, 31), responsibility="x"
        )
    with pytest.raises(NotAllowed):
        services.case_sponsor(
            actor=handler1, case=accepted, staff=None, due_on=D(2026, 12, 31), responsibility="x"
        )


def test_every_step_writes_one_event_in_order(in_progress):
    kinds = list(CaseEvent.objects.filter(case=in_progress).values_list("kind", flat=True))
    assert kinds == [EventKind.REGISTERED, EventKind.ACCEPTED, EventKind.ASSIGNED]
