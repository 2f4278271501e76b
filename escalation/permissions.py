"""Who may do what in escalation: predicates on the user, the case and the units concerned.
Seeing an object is the selectors' business (404 outside scope); these decide acting on it."""

from accounts.models import OrgKind, OrgUnit, User
from accounts.roles import Role
from accounts.selectors import acts_for, unit_in_scope
from cases.models import Case


def sees_case(user: User, case_id: int) -> bool:
    """Whether the case is in the user's scope (a page links to it only then)."""
    from cases.selectors import cases_visible_to

    return cases_visible_to(user).filter(pk=case_id).exists()


def _case_in_scope(user: User, case: Case) -> bool:
    return sees_case(user, case.pk)


def is_petition_office_handler(user: User) -> bool:
    unit = user.org_unit
    return unit is not None and unit.kind == OrgKind.PETITION_OFFICE and user.has_role(Role.HANDLER)


def can_issue_notice(user: User, case: Case, unit: OrgUnit) -> bool:
    """A supervisor, or a leader on their instruction (at a reception, for one), whose scope
    holds both the case and the unit addressed. A notice is issued in the name of the user's
    unit: a user without one (a bare superuser) issues none."""
    return (
        user.org_unit_id is not None
        and user.has_role(Role.SUPERVISOR, Role.LEADER)
        and unit_in_scope(user, unit)
        and _case_in_scope(user, case)
    )


def can_respond_to_notice(user: User, unit: OrgUnit) -> bool:
    """A handler or leader acting for the unit the notice is addressed to."""
    return user.has_role(Role.HANDLER, Role.LEADER) and acts_for(user, unit)


def can_run_joint_supervision(user: User, case: Case) -> bool:
    """The joint-conference office (supervisors) or the petition office (its handlers), with
    the case in scope; recorded in the name of the user's unit, so never a user without one."""
    return (
        user.org_unit_id is not None
        and (user.has_role(Role.SUPERVISOR) or is_petition_office_handler(user))
        and _case_in_scope(user, case)
    )


def can_report_for_party(user: User, unit: OrgUnit) -> bool:
    """Anyone acting for the party's unit, except reception staff only."""
    return user.has_role(Role.HANDLER, Role.LEADER, Role.SUPERVISOR) and acts_for(user, unit)


def can_run_consultation(user: User, case: Case) -> bool:
    """Consultations are convened by the petition office or the joint-conference office."""
    return can_run_joint_supervision(user, case)
