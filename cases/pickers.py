"""The unit pickers of a case's forms (`accounts.pickers`): a scope's context is the case, as
the form has it or, from the search, by its number among the cases the user sees."""

from django.db.models import QuerySet

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope
from accounts.selectors import active_units

from .models import Case
from .selectors import cases_visible_to, units_below_owner


def case_for_picker(user: User, context: "Case | str") -> Case | None:
    """The case a scope depends on: the form's, or the one numbered so that `user` sees."""
    if isinstance(context, Case):
        return context
    number = (context or "").strip()
    if not number:
        return None
    return cases_visible_to(user).filter(number=number).select_related("owner_unit").first()


@register_unit_scope("case_forward")
def forward_units(user: User, context: "Case | str") -> QuerySet[OrgUnit]:
    """Where a case may be forwarded: any active unit but its owner."""
    case = case_for_picker(user, context)
    if case is None:
        return OrgUnit.objects.none()
    return active_units().exclude(pk=case.owner_unit_id)


@register_unit_scope("case_below_owner")
def below_owner_units(user: User, context: "Case | str") -> QuerySet[OrgUnit]:
    """Where a case may be assigned: the active units below its owner (`units_below_owner`)."""
    case = case_for_picker(user, context)
    if case is None:
        return OrgUnit.objects.none()
    return units_below_owner(case).order_by("path")
