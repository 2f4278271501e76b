"""Every read of cases that is more than a `get`, scoped by the user's units: which cases a
user sees (`scope`), what a case accuses and whom it is hidden from (`accusations`, Art. 30),
the clocks' due dates (`clocks`), the case list's filters, the queue and the approvals waiting
(`lists`), and one case as its page shows it (`detail`)."""

from .clocks import (
    ClockState,
    acceptance_due_of,
    deadline_rule_for,
    due_soon_limit,
    open_deadline_due,
    open_work_clocks,
    with_due_dates,
)
from .detail import approval_detail, assignment_detail, case_detail, case_for_display
from .lists import (
    approval_list,
    approvals_awaiting,
    backlog_condition,
    case_ids_of,
    case_list,
    filter_answered,
    filter_backlog,
    filter_category,
    filter_clocks,
    filter_next_due,
    filter_overdue,
    my_queue,
    with_case_names,
)
from .notices import notice_detail, notices_for_petitioner, notices_visible_to
from .scope import (
    case_ids_reaching,
    case_numbered,
    case_scope_filter,
    cases_visible_to,
    leaders_for,
    staff_for,
    units_below_owner,
)

__all__ = [
    "ClockState",
    "acceptance_due_of",
    "approval_detail",
    "approval_list",
    "approvals_awaiting",
    "assignment_detail",
    "backlog_condition",
    "case_detail",
    "case_for_display",
    "case_ids_of",
    "case_ids_reaching",
    "case_list",
    "case_numbered",
    "case_scope_filter",
    "cases_visible_to",
    "deadline_rule_for",
    "due_soon_limit",
    "filter_answered",
    "filter_backlog",
    "filter_category",
    "filter_clocks",
    "filter_next_due",
    "filter_overdue",
    "leaders_for",
    "my_queue",
    "notice_detail",
    "notices_for_petitioner",
    "notices_visible_to",
    "open_deadline_due",
    "open_work_clocks",
    "staff_for",
    "units_below_owner",
    "with_case_names",
    "with_due_dates",
]
