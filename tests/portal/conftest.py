import datetime

from cases import services
from cases.models import ApprovalStatus, AssignmentStatus
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


NOVEMBER_2 = D(2026, 11, 2)


def registered(actor, day=NOVEMBER_2, **overrides):
    """A petition registered on `day`: (petition, its query code)."""
    registration = register_petition(actor, received_at=received(day), **overrides)
    return registration.petition, registration.query_code


def deliver(case, handler, leader, *, on, report_by=None):
    """Report open assignments, draft, approve and deliver a reply on `on`."""
    for assignment in case.assignments.filter(status=AssignmentStatus.ASSIGNED):
        services.assignment_sign(actor=report_by, assignment=assignment, on=on)
        services.assignment_report(actor=report_by, assignment=assignment, report="办结", on=on)
    services.reply_draft(
        actor=handler,
        case=case,
        request="诉求",
        facts_and_reasons="事实",
        opinion="explain",
        legal_basis="依据",
        on=on,
    )
    approval = case.approvals.get(status=ApprovalStatus.PENDING)
    services.approval_decide(
        actor=leader, approval=approval, approve=True, instruction="同意，抓紧答复", on=on
    )
    services.reply_deliver(actor=handler, case=case, method="post", on=on)
    case.refresh_from_db()
    return case
