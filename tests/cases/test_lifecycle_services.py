"""The whole life of a case through the services, with back-entered dates (补录)."""

import datetime

import pytest

from cases import services
from cases.models import (
    AssignmentStatus,
    CaseEvent,
    CaseStatus,
    DeadlineKind,
    EventKind,
)
from core.exceptions import Conflict
from tests.factories import petitioner, register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def clock(case, kind):
    return case.deadlines.filter(kind=kind, assignment__isnull=True).latest("pk")


def test_full_lifecycle_ends_terminated_and_blocks_the_same_matter(
    handler1, street_handler, city_leader, d1_handler, city_handler, frozen_now
):
    person = petitioner()
    case = register_petition(
        handler1,
        received_at=datetime.datetime(2026, 8, 1, 9, tzinfo=SHANGHAI),
        petitioners=[person],
    ).petition.case
    case = services.case_accept(actor=handler1, case=case, on=D(2026, 8, 3))
    assert clock(case, DeadlineKind.HANDLING).due_on == D(2026, 10, 8)
    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2026, 9, 1),
        on=D(2026, 8, 3),
    )
    services.assignment_sign(actor=street_handler, assignment=assignment, on=D(2026, 8, 4))
    services.assignment_report(
        actor=street_handler, assignment=assignment, report="已核实", on=D(2026, 8, 20)
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REPORTED
    services.reply_draft(
        actor=handler1,
        case=case,
        request="支付工资",
        facts_and_reasons="经核实……",
        opinion="support",
        legal_basis="《劳动合同法》第三十条",
        resolved=True,
        on=D(2026, 8, 25),
    )
    approval = case.approvals.get()
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 8, 26))
    services.reply_deliver(actor=handler1, case=case, method="in_person", on=D(2026, 8, 27))
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED and case.answered_on_time and case.resolved
    services.case_evaluate(
        actor=handler1, case=case, result="dissatisfied", contact="信访人", on=D(2026, 9, 1)
    )
    services.case_request_review(actor=d1_handler, case=case, request="不服", on=D(2026, 9, 10))
    services.case_review(
        actor=d1_handler, case=case, decision="uphold", opinion="维持", on=D(2026, 9, 20)
    )
    services.case_request_rereview(
        actor=city_handler, case=case, request="仍不服", on=D(2026, 10, 10)
    )
    services.case_rereview(
        actor=city_handler, case=case, decision="uphold", opinion="维持", on=D(2026, 10, 20)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TERMINATED).exists()

    again = register_petition(handler1, petitioners=[person]).petition.case
    assert again.same_matter_as == case
    with pytest.raises(Conflict, match=case.number):
        services.case_accept(actor=handler1, case=again)
