"""The units whose users see a case (`CaseReach`), kept with every write that changes them:
the one statement of the visibility rule, read as an indexed lookup by
`cases.selectors.scope`. A case reaches every unit at or above the unit that received it or
one of its petitions, the unit that owns it, and the lead and co-units of each of its
assignments (assignments stay, whatever became of them). Users see the cases that reach
their scope's root unit (`accounts.selectors.scope_root_id`).

Writes add to the rows as they happen (a new case, petition, assignment or co-unit: units
are only ever added); a change of owner or receiving unit, a co-unit taken off, or a unit
moved in the tree recomputes the case's rows whole (`reach_refresh`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from accounts.models import OrgUnit

from ..models import Assignment, Case, CaseReach

# The fields of a case whose change moves its reach.
REACH_FIELDS = frozenset({"owner_unit", "receiving_unit", "owner_unit_id", "receiving_unit_id"})


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def reach_add(case_id: int, units: Iterable[OrgUnit]) -> None:
    """The case reaches `units` and every unit above them (rows already there stay): one
    insert, the units' paths being known."""
    rows = {unit_id for unit in units if unit is not None for unit_id in unit.ancestor_ids}
    CaseReach.objects.bulk_create(
        [CaseReach(unit_id=unit_id, case_id=case_id) for unit_id in sorted(rows)],
        ignore_conflicts=True,
    )


def reach_add_ids(case_id: int, unit_ids: Iterable[int]) -> None:
    """`reach_add` for units known by id (one query for their paths)."""
    reach_add(case_id, OrgUnit.objects.filter(pk__in=set(unit_ids)).only("pk", "path"))


@transaction.atomic
def reach_refresh(case_ids: Iterable[int]) -> int:
    """Recompute the rows of these cases from what they are now. Returns the rows written."""
    case_ids = set(case_ids)
    if not case_ids:
        return 0
    reached: dict[int, set[int]] = defaultdict(set)
    cases = Case.objects.filter(pk__in=case_ids).order_by()
    for case_id, receiving, owner in cases.values_list("pk", "receiving_unit_id", "owner_unit_id"):
        reached[case_id].update((receiving, owner))
    for case_id, unit_id in cases.filter(petitions__isnull=False).values_list(
        "pk", "petitions__receiving_unit_id"
    ):
        reached[case_id].add(unit_id)
    assignments = Assignment.objects.filter(case_id__in=case_ids).order_by()
    for case_id, unit_id in assignments.values_list("case_id", "lead_unit_id"):
        reached[case_id].add(unit_id)
    for case_id, unit_id in assignments.filter(co_units__isnull=False).values_list(
        "case_id", "co_units"
    ):
        reached[case_id].add(unit_id)
    unit_ids = {unit_id for units in reached.values() for unit_id in units if unit_id}
    paths = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    rows = sorted(
        {
            (ancestor, case_id)
            for case_id, units in reached.items()
            for unit_id in units
            if unit_id in paths
            for ancestor in _ancestor_ids(paths[unit_id])
        }
    )
    CaseReach.objects.filter(case_id__in=case_ids).delete()
    CaseReach.objects.bulk_create(
        [CaseReach(unit_id=unit_id, case_id=case_id) for unit_id, case_id in rows],
        batch_size=2000,
    )
    return len(rows)


def unit_moved(sender, unit: OrgUnit, **kwargs) -> None:
    """After `unit` moved in the tree: the cases that reach it reach other units above it."""
    reach_refresh(list(CaseReach.objects.filter(unit=unit).values_list("case_id", flat=True)))


# --- kept with every write (connected in `CasesConfig.ready`; petitions' in their app's) ----


def case_saved(sender, instance: Case, created: bool, update_fields=None, **kwargs) -> None:
    if created:
        reach_add(instance.pk, (instance.receiving_unit, instance.owner_unit))
    elif update_fields is None or REACH_FIELDS & set(update_fields):
        reach_refresh([instance.pk])


def petition_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """A petition (the app above connects it): its receiving unit reaches its case, unless
    that unit received or owns the case already."""
    if created:
        case = instance.case if sender.case.is_cached(instance) else None
        if case is None or instance.receiving_unit_id not in (
            case.receiving_unit_id,
            case.owner_unit_id,
        ):
            reach_add(instance.case_id, [instance.receiving_unit])
    elif update_fields is None or {"case", "receiving_unit"} & set(update_fields):
        reach_refresh([instance.case_id])


def assignment_saved(sender, instance: Assignment, created: bool, **kwargs) -> None:
    if created:
        reach_add(instance.case_id, [instance.lead_unit])
    else:
        reach_refresh([instance.case_id])


def co_units_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if reverse:  # from a unit's side: the assignments it was added to or taken off
        if action == "pre_clear":  # which ones, while the rows are there
            cleared = Assignment.objects.filter(co_units=instance)
            instance._reach_cleared = set(cleared.values_list("case_id", flat=True))
        elif action == "post_clear":
            reach_refresh(getattr(instance, "_reach_cleared", ()))
        elif action in ("post_add", "post_remove"):
            assignments = Assignment.objects.filter(pk__in=pk_set or [])
            reach_refresh(set(assignments.values_list("case_id", flat=True)))
        return
    if action == "post_add":
        reach_add_ids(instance.case_id, pk_set or ())
    elif action in ("post_remove", "post_clear"):
        reach_refresh([instance.case_id])
