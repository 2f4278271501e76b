import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.models import OrgUnit, User
from accounts.selectors import unit_ancestor_ids, units_visible_to

from .models import Case, Deadline, DeadlineKind, DeadlineRule


def case_scope_filter(user: User, *, prefix: str = "") -> tuple[Q, Q]:
    """(include, exclude) filters for objects linked to a case: in scope when received by or
    owned by a visible unit, and never when the user's unit or an ancestor is the accused."""
    unit_ids = units_visible_to(user).values("pk")
    include = Q(**{f"{prefix}receiving_unit__in": unit_ids}) | Q(
        **{f"{prefix}owner_unit__in": unit_ids}
    )
    exclude = Q(**{f"{prefix}accused_unit_id__in": unit_ancestor_ids(user)})
    return include, exclude


def cases_visible_to(user: User) -> QuerySet[Case]:
    include, exclude = case_scope_filter(user)
    return Case.objects.filter(include).exclude(exclude)


def open_deadline_due(kind: str) -> Subquery:
    """Annotation: the due date of the case's open clock of `kind`."""
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), kind=kind, met_at__isnull=True).values(
            "due_on"
        )[:1]
    )


def case_detail(*, user: User, number: str) -> Case:
    """The case `number` if `user` may see it; raises Case.DoesNotExist otherwise."""
    return (
        cases_visible_to(user)
        .select_related("receiving_unit", "owner_unit", "location_unit")
        .annotate(acceptance_due=open_deadline_due(DeadlineKind.ACCEPTANCE))
        .get(number=number)
    )


def acceptance_due_of(case: Case) -> datetime.date | None:
    """The due date of the case's latest acceptance clock."""
    return (
        case.deadlines.filter(kind=DeadlineKind.ACCEPTANCE)
        .order_by("-starts_on", "-pk")
        .values_list("due_on", flat=True)
        .first()
    )


def deadline_rule_for(kind: str, unit: OrgUnit, on: datetime.date) -> DeadlineRule:
    """The rule in force on `on` for `unit`: the most specific jurisdiction above the unit
    (the national default last), and within it the latest effective date."""
    candidates = (
        DeadlineRule.objects.filter(kind=kind, effective_from__lte=on)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=unit.ancestor_ids))
        .select_related("jurisdiction")
    )
    ranked = sorted(
        candidates,
        key=lambda rule: (
            len(rule.jurisdiction.ancestor_ids) if rule.jurisdiction else 0,
            rule.effective_from,
        ),
        reverse=True,
    )
    if not ranked:
        raise DeadlineRule.DoesNotExist(f"No deadline rule for {kind} on {on}.")
    return ranked[0]
