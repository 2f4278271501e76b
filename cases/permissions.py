"""Who may do what to a case: predicates used by the services (which refuse) and the pages
(which offer only the actions a user may take). Visibility is `selectors.cases_visible_to`."""

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import acts_for, unit_in_scope

from .models import Assignment, Case


def can_decide_acceptance(user: User, case: Case) -> bool:
    """Accept, forward, assign, not accept, divert: a handler of the unit the case is with."""
    return user.has_role(Role.HANDLER) and acts_for(user, case.owner_unit)


def can_handle(user: User, case: Case) -> bool:
    """Work an accepted case (assign, extend, reply, deliver, evaluate): a handler of the
    owner unit."""
    return user.has_role(Role.HANDLER) and acts_for(user, case.owner_unit)


def can_work_assignment(user: User, assignment: Assignment) -> bool:
    """Sign for, report on or return an assignment: a handler of its lead unit."""
    return user.has_role(Role.HANDLER) and acts_for(user, assignment.lead_unit)


def can_assign(user: User, case: Case) -> bool:
    """交办: a handler of the owner unit, or a leader responsible for it (a leader's
    instruction at a reception, 批示交办)."""
    return can_handle(user, case) or can_approve(user, case)


def can_approve(user: User, case: Case) -> bool:
    """Approve or send back (审批): a leader whose scope covers the owner unit."""
    return user.has_role(Role.LEADER) and unit_in_scope(user, case.owner_unit)


def can_sponsor(user: User, case: Case) -> bool:
    return user.has_role(Role.LEADER) and unit_in_scope(user, case.owner_unit)


def can_receive_review_request(user: User, case: Case, unit: OrgUnit) -> bool:
    """Register a (re-)review request at the superior `unit`: its reception staff or
    handlers, never the unit whose answer is under review."""
    return (
        user.has_role(Role.RECEPTION, Role.HANDLER)
        and acts_for(user, unit)
        and user.org_unit_id != case.answering_unit_id
    )


def can_decide_review(user: User, case: Case, unit: OrgUnit) -> bool:
    """Decide a (re-)review at `unit`: its handlers, never the unit under review."""
    return (
        user.has_role(Role.HANDLER)
        and acts_for(user, unit)
        and user.org_unit_id != case.answering_unit_id
    )


def can_deliver_notice(user: User, unit: OrgUnit) -> bool:
    """Record the delivery of a written notice: a handler or reception staff of the unit that
    issued it (the unit working the case at that decision)."""
    return user.has_role(Role.HANDLER, Role.RECEPTION) and acts_for(user, unit)
