"""Who may do what in reception: predicates (seeing is the selectors' business)."""

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import unit_in_scope

from .models import ReceptionSchedule


def can_manage_schedule(user: User, leader: User) -> bool:
    """The leader themself, or reception staff and administrators whose area holds the
    leader's unit (the petition office keeps its leaders' reception calendar)."""
    if user.pk == leader.pk:
        return True
    return (
        user.has_role(Role.RECEPTION, Role.ADMIN)
        and leader.org_unit is not None
        and unit_in_scope(user, leader.org_unit)
    )


def can_book(user: User, schedule: ReceptionSchedule) -> bool:
    """Reception staff (and handlers of a petition office) whose area holds the schedule's
    unit book appointments."""
    return user.has_role(Role.RECEPTION, Role.HANDLER) and unit_in_scope(user, schedule.unit)
