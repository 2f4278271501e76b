"""Who a clock's reminders go to, worked out for a whole batch of clocks in a few queries."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import OrgKind, OrgUnit, User
from accounts.roles import Role
from accounts.selectors import government_id_of, users_acting_for


class Recipients:
    """For the responsible units of a batch of clocks:

    - `responsible(unit)`: the unit's handlers (anyone of the unit when it has none);
    - `heads(unit)`: the unit's leaders, else its government's leaders;
    - `supervisors_above(unit)`: supervisors of the government one level up;
    - `leaders_above(unit)`: leaders of the government one level up;
    - `issuer_above(unit)`: the unit that supervises it (the petition office of the government
      one level up, else that government).
    """

    def __init__(self, responsible_units: Iterable[OrgUnit]) -> None:
        units = {unit.pk: unit for unit in responsible_units}
        ancestor_ids = {pk for unit in units.values() for pk in unit.ancestor_ids}
        ancestors = {
            unit.pk: unit
            for unit in OrgUnit.objects.filter(pk__in=ancestor_ids | set(units)).only(
                "pk", "code", "name", "kind", "parent_id", "path", "level"
            )
        }
        self._units = units
        self._above: dict[int, OrgUnit | None] = {
            pk: self._government_above(unit, ancestors) for pk, unit in units.items()
        }
        governments = {government_id_of(unit) for unit in units.values()}
        above_ids = {unit.pk for unit in self._above.values() if unit is not None}
        everyone = set(units) | governments | above_ids
        self._handlers = users_acting_for(units, Role.HANDLER)
        self._leaders = users_acting_for(everyone, Role.LEADER)
        self._supervisors = users_acting_for(above_ids, Role.SUPERVISOR)
        without_handlers = [pk for pk in units if not self._handlers.get(pk)]
        self._anyone = users_acting_for(without_handlers, *Role.values)
        self._offices = {
            office.parent_id: office
            for office in OrgUnit.objects.filter(
                parent__in=above_ids, kind=OrgKind.PETITION_OFFICE, is_active=True
            ).order_by("pk")
        }

    @staticmethod
    def _government_above(unit: OrgUnit, units: dict[int, OrgUnit]) -> OrgUnit | None:
        own = government_id_of(unit)
        chain = [units[pk] for pk in unit.ancestor_ids if pk in units]
        higher = [u for u in chain if u.kind == OrgKind.GOVERNMENT and u.pk != own]
        own_unit = units.get(own)
        higher = [u for u in higher if own_unit is None or u.level < own_unit.level]
        return higher[-1] if higher else None

    def responsible(self, unit: OrgUnit) -> list[User]:
        return self._handlers.get(unit.pk) or self._anyone.get(unit.pk, [])

    def heads(self, unit: OrgUnit) -> list[User]:
        return self._leaders.get(unit.pk) or self._leaders.get(government_id_of(unit), [])

    def supervisors_above(self, unit: OrgUnit) -> list[User]:
        above = self._above.get(unit.pk)
        return self._supervisors.get(above.pk, []) if above else []

    def leaders_above(self, unit: OrgUnit) -> list[User]:
        above = self._above.get(unit.pk)
        return self._leaders.get(above.pk, []) if above else []

    def issuer_above(self, unit: OrgUnit) -> OrgUnit:
        above = self._above.get(unit.pk)
        if above is None:
            # A province-level unit: its own government's petition office supervises it.
            return unit
        return self._offices.get(above.pk, above)
