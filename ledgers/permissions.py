"""Who may do what in the ledgers, as predicates decided without a query (the services run
them on the locked row, the pages to offer a step)."""

from __future__ import annotations

from accounts.models import OrgKind, OrgUnit, User
from accounts.roles import Role
from accounts.selectors import acts_for, scope_path, unit_in_scope
from cases.models import Case

from .models import BacklogEntry, DisputeItem, ScreeningReport


def can_open_screening_round(user: User) -> bool:
    """Supervisors (the joint-conference office of a level) open special rounds."""
    return user.org_unit is not None and user.has_role(Role.SUPERVISOR)


def can_report(user: User, report: ScreeningReport) -> bool:
    """The unit's own staff (or its petition office) report for it."""
    return user.has_role(Role.HANDLER, Role.LEADER, Role.RECEPTION) and acts_for(user, report.unit)


def can_register_dispute(user: User, unit: OrgUnit) -> bool:
    return user.has_role(Role.HANDLER, Role.LEADER, Role.RECEPTION) and acts_for(user, unit)


def can_work_dispute(user: User, item: DisputeItem) -> bool:
    """The responsible unit or the unit that found it works a dispute; a supervisor whose area
    holds the responsible unit may record its outcome too."""
    if user.has_role(Role.HANDLER, Role.LEADER) and (
        acts_for(user, item.responsible_unit) or acts_for(user, item.unit)
    ):
        return True
    return user.has_role(Role.SUPERVISOR) and unit_in_scope(user, item.responsible_unit)


# Who flags a matter major or urgent (Art. 25): the staff of a unit who handle petitions.
FLAGGING_ROLES = (Role.RECEPTION, Role.HANDLER, Role.LEADER, Role.SUPERVISOR)


def can_flag_urgent(user: User) -> bool:
    return user.org_unit_id is not None and user.has_role(*FLAGGING_ROLES)


# --- the backlog ledger (积案台账) -------------------------------------------------------------


def can_place_on_backlog(user: User) -> bool:
    """Supervisors (the joint-conference office of a level) put cases on the backlog ledger,
    in the name of their unit."""
    return user.org_unit is not None and user.has_role(Role.SUPERVISOR)


def can_manage_backlog(user: User, entry: BacklogEntry) -> bool:
    """A supervisor whose area holds the lead unit extends the time limit, names the
    sponsoring leader and records the outcome (销号)."""
    return can_place_on_backlog(user) and unit_in_scope(user, entry.lead_unit)


def can_report_backlog(user: User, entry: BacklogEntry) -> bool:
    """The lead unit's handlers and leaders (or its petition office) report progress, and so
    does the sponsoring leader."""
    if entry.sponsoring_leader_id is not None and user.pk == entry.sponsoring_leader_id:
        return True
    return user.has_role(Role.HANDLER, Role.LEADER) and acts_for(user, entry.lead_unit)


# --- the annual targets and the assessment --------------------------------------------------


def can_set_target(user: User, unit: OrgUnit) -> bool:
    """A supervisor sets the targets of the units below the top of their area (the level
    above sets a level's targets, never the level itself)."""
    own = user.org_unit
    return (
        own is not None
        and user.has_role(Role.SUPERVISOR)
        and unit_in_scope(user, unit)
        and unit.path != scope_path(own)
    )


def can_assess(user: User, unit: OrgUnit) -> bool:
    """A supervisor weighs the assessment of the units below any unit of their area."""
    return (
        user.org_unit is not None and user.has_role(Role.SUPERVISOR) and unit_in_scope(user, unit)
    )


# --- people's suggestions (人民建议征集) ---------------------------------------------------------


def can_commend_suggestion(user: User, case: Case) -> bool:
    """Who records a commendation or award for a suggestion (Art. 29 para. 2): the staff of a
    petition office and the leaders, of the competent (owner) unit or a unit above it."""
    unit = user.org_unit
    if unit is None:
        return False
    office_staff = unit.kind == OrgKind.PETITION_OFFICE and user.has_role(Role.HANDLER, Role.LEADER)
    return (office_staff or user.has_role(Role.LEADER)) and unit_in_scope(user, case.owner_unit)


def may_grant_for(user: User, case: Case, unit: OrgUnit) -> bool:
    """Whether `user` records a commendation granted by `unit`: a unit they act for, which is
    the case's competent unit or one above it."""
    owner = case.owner_unit
    return acts_for(user, unit) and owner.path.startswith(unit.path)
