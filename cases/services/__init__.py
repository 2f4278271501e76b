"""Every write to a case: one function per use case (DESIGN §4). Each checks the actor, the
state and the clock under the case's row lock and writes the timeline event."""

from ..guards import superior_unit
from .acceptance import (
    case_accept,
    case_assign,
    case_divert,
    case_forward,
    case_leave_simplified,
    case_propose_not_accept,
)
from .answers import (
    approval_decide,
    case_evaluate,
    case_request_extension,
    case_sponsor,
    evaluation_record_online,
    reply_deliver,
    reply_draft,
)
from .assignments import assignment_report, assignment_return, assignment_sign
from .closing import ClosingResult, cases_close_lapsed
from .core import case_attach_petition, case_event_write, case_open, deadline_start
from .notices import notice_deliver, notice_issue, notices_chase_undelivered
from .reviews import (
    case_record_hearing,
    case_request_rereview,
    case_request_review,
    case_rereview,
    case_review,
    review_request_online,
)

__all__ = [
    "ClosingResult",
    "approval_decide",
    "assignment_report",
    "assignment_return",
    "assignment_sign",
    "case_accept",
    "case_assign",
    "case_attach_petition",
    "case_divert",
    "case_evaluate",
    "case_event_write",
    "case_forward",
    "case_leave_simplified",
    "case_open",
    "case_propose_not_accept",
    "case_record_hearing",
    "case_request_extension",
    "case_request_rereview",
    "case_request_review",
    "case_rereview",
    "case_review",
    "case_sponsor",
    "cases_close_lapsed",
    "deadline_start",
    "evaluation_record_online",
    "notice_deliver",
    "notice_issue",
    "notices_chase_undelivered",
    "reply_deliver",
    "reply_draft",
    "review_request_online",
    "superior_unit",
]
