"""Which cases a user sees: their units' cases, assignments and approvals, and the units
and people a case may go to."""

from django.core.exceptions import ValidationError
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import (
    EVERY_UNIT,
    active_units,
    jurisdiction_path,
    scope_path,
    scope_root_id,
)

from ..models import (
    Approval,
    Assignment,
    Case,
    CaseReach,
)
from .accusations import hidden_from


def case_scope_filter(user: User, *, prefix: str = "") -> tuple[Q, Q]:
    """(include, exclude) filters for objects linked to a case: in scope when the case
    reaches the user's scope (`services.reach`: received, owned or assigned, lead or
    co-unit, by a unit in it; an indexed lookup), and never when the case accuses the
    user's unit or an ancestor (`accusations.hidden_from`)."""
    root = scope_root_id(user)
    if root == EVERY_UNIT:
        include = Q()
    elif root is None:
        include = Q(**{f"{prefix}pk__in": []})
    else:
        include = Q(**{f"{prefix}pk__in": case_ids_reaching(root)})
    return include, hidden_from(user, prefix=prefix)


def case_ids_reaching(unit_id: int) -> QuerySet:
    """Ids of the cases that reach the unit (`CaseReach`): the subquery every scoped list
    filters by, one range of the reach's primary key."""
    return CaseReach.objects.filter(unit_id=unit_id).values("case_id")


def cases_visible_to(user: User) -> QuerySet[Case]:
    include, exclude = case_scope_filter(user)
    return Case.objects.filter(include).exclude(exclude)


def case_numbered(user: User, number: str) -> Case | None:
    """The case numbered `number` among those `user` may see, for a form or API field that
    names one: None for a blank number, a ValidationError for one not found."""
    number = (number or "").strip()
    if not number:
        return None
    case = cases_visible_to(user).filter(number=number).first()
    if case is None:
        raise ValidationError(_("No such case."))
    return case


def approvals_visible_to(user: User) -> QuerySet[Approval]:
    return Approval.objects.filter(case__in=cases_visible_to(user).values("pk"))


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(case__in=cases_visible_to(user).values("pk"))


def units_below_owner(case: Case) -> QuerySet[OrgUnit]:
    """Units a case may be assigned to: active units in the owner's area, below it (not the
    owner itself nor a unit above it)."""
    owner = case.owner_unit
    return (
        active_units()
        .filter(path__startswith=jurisdiction_path(owner))
        .exclude(pk__in=[owner.pk, *owner.ancestor_ids])
    )


def leaders_for(case: Case) -> QuerySet[User]:
    """Leaders responsible for the case's owner unit: those of a unit above it or in its
    area."""
    owner = case.owner_unit
    return (
        User.objects.filter(is_active=True, groups__name=Role.LEADER)
        .filter(
            Q(org_unit_id__in=owner.ancestor_ids)
            | Q(org_unit__path__startswith=jurisdiction_path(owner))
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name")
        .distinct()
    )


def staff_for(leader: User) -> QuerySet[User]:
    """Handlers within the leader's scope, who may be named responsible staff (包案责任人)."""
    unit = leader.org_unit
    if unit is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.HANDLER,
            org_unit__path__startswith=scope_path(unit),
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name")
        .distinct()
    )
