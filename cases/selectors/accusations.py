"""Art. 30: an accusation never reaches the people or unit it accuses.

A case's accused units are its own `accused_unit` (named by the accusation that opened it)
and the accused unit of every petition on it: an accusation against another unit may join
the case later. A case that accuses a unit is hidden, with everything on it, from the users
of that unit and of every unit below it. The one rule, read by:

- `hidden_from(user)`: what every scoped queryset excludes (cases, petitions, assignments,
  approvals, notices, joint supervisions, consultations, appointments, the dashboards'
  areas and the lists, exports and drill-downs built on them);
- `accuses(case, unit)`: no work on the case goes to such a unit (forwarding, assignment and
  co-units, supervision notices, joint supervision, consultations, leader reception);
- `case_reaches(case, unit)`: an accusation against `unit` does not join a case the unit's
  users work on or see (the apps above add what they show of a case through
  `register_participation`);
- `screen_notifications(rows)`: no notification about the case reaches such users.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.selectors import scope_path, unit_ancestor_ids

from ..models import Assignment, Case, MatterKind

if TYPE_CHECKING:
    from notifications.models import Notification


def accusing(unit_ids: Iterable[int], *, prefix: str = "") -> Q:
    """Cases (or, through `prefix`, objects of a case) whose case accuses one of `unit_ids`:
    by its own accused unit or by one of its petitions'. An indexed lookup of the few
    accusations against these units, never a scan of the petitions."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return Q(pk__in=[])
    # Petitions sit above cases (registering one opens its case): reached by the relation.
    against = Case.objects.filter(petitions__accused_unit_id__in=unit_ids).values("pk")
    return Q(**{f"{prefix}accused_unit_id__in": unit_ids}) | Q(**{f"{prefix}pk__in": against})


def hidden_from(user: User, *, prefix: str = "") -> Q:
    """Objects on a case that accuses the user's unit or a unit above it: excluded from
    everything the user sees, whatever else brings them into the user's scope."""
    return accusing(unit_ancestor_ids(user), prefix=prefix)


def accused_unit_ids(case: Case) -> set[int]:
    """The ids of the units `case` accuses (none for a case that is not an accusation:
    only accusations name an accused unit, and a petition joins only a case of its kind).
    At most one query."""
    ids = {case.accused_unit_id} if case.accused_unit_id else set()
    if case.matter_kind == MatterKind.ACCUSATION:
        ids.update(
            Case.objects.filter(pk=case.pk, petitions__accused_unit__isnull=False).values_list(
                "petitions__accused_unit_id", flat=True
            )
        )
    return ids


def accuses(case: Case, unit: OrgUnit, *, accused: set[int] | None = None) -> bool:
    """Whether `case` accuses `unit` or a unit above it (pass `accused`, from
    `accused_unit_ids`, to check several units with one query)."""
    if accused is None:
        accused = accused_unit_ids(case)
    return not accused.isdisjoint(unit.ancestor_ids)


def not_accused(case: Case, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """`units` without those the case accuses (or that lie below one it accuses)."""
    accused = accused_unit_ids(case)
    return [unit for unit in units if not accuses(case, unit, accused=accused)]


# What else of a case a unit's users see, registered by the apps above cases (a joint
# supervision's parties, a consultation's units, a notice's addressee, a reception's
# attending units): each takes the case and a queryset of unit ids and returns a queryset
# with rows when one of those units takes part.
Participation = Callable[[Case, QuerySet], QuerySet]
_participations: list[Participation] = []


def register_participation(participation: Participation) -> None:
    if participation not in _participations:
        _participations.append(participation)


def case_reaches(case: Case, unit: OrgUnit) -> bool:
    """Whether the users of `unit` or of a unit below it work on or see `case` (the rule of
    this module aside): the case was received by, is owned by, or is assigned (lead or
    co-unit) to a unit in their scope, one of its petitions was received there, or such a
    unit takes part in its escalation or reception (`register_participation`). The scope
    of a subtree's users is the subtree at the unit's scope path (`scope_path`: a petition
    office sees its government's area). One query, and one per registered participation."""
    reach = OrgUnit.objects.filter(path__startswith=scope_path(unit)).values("pk")
    assigned = Assignment.objects.filter(
        Q(lead_unit__in=reach) | Q(co_units__in=reach), case=OuterRef("pk")
    )
    received = Case.objects.filter(pk=OuterRef("pk"), petitions__receiving_unit__in=reach)
    works_on = (
        Case.objects.filter(pk=case.pk)
        .filter(
            Q(receiving_unit__in=reach)
            | Q(owner_unit__in=reach)
            | Exists(assigned)
            | Exists(received)
        )
        .exists()
    )
    return works_on or any(part(case, reach).exists() for part in _participations)


def screen_notifications(rows: list[Notification]) -> list[Notification]:
    """The rows of a batch of notifications that do not tell a user about a case accusing
    their unit or a unit above it (every notification is written through this screen, see
    `notifications.screens`). One query for a batch on cases that accuse nobody, two
    otherwise."""
    numbers = {row.case_number for row in rows if row.case_number and row.recipient_id}
    if not numbers:
        return rows
    own = (
        Case.objects.filter(number__in=numbers, accused_unit__isnull=False)
        .values_list("number", "accused_unit_id")
        .order_by()
    )
    theirs = (
        Case.objects.filter(number__in=numbers, petitions__accused_unit__isnull=False)
        .values_list("number", "petitions__accused_unit_id")
        .order_by()
    )
    accused: dict[str, set[int]] = {}
    for number, unit_id in own.union(theirs):
        accused.setdefault(number, set()).add(unit_id)
    if not accused:
        return rows
    recipients = [row.recipient for row in rows if row.case_number in accused]
    unit_ids = {
        user.org_unit_id for user in recipients if user is not None and user.org_unit_id is not None
    }
    paths: dict[int | None, str] = dict(
        OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "path")
    )

    def told(row: Notification) -> bool:
        against = accused.get(row.case_number)
        if not against or row.recipient is None:
            return True
        path = paths.get(row.recipient.org_unit_id)
        return not path or against.isdisjoint(int(part) for part in path.strip("/").split("/"))

    return [row for row in rows if row.recipient_id is None or told(row)]
