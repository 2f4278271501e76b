"""Telling the people concerned that work has reached them (in-app, and by email where they
have an address). Called inside the step's transaction; delivery follows the commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import government_id_of, users_acting_for
from notifications.services import notify

from ..models import Approval, Case


def alert_units(*, units: Iterable[OrgUnit], kind: str, title: str, case: Case) -> None:
    """The handlers who act for `units`."""
    units = list(units)
    people = users_acting_for([unit.pk for unit in units], Role.HANDLER)
    notify(
        recipients=[user for unit in units for user in people.get(unit.pk, [])],
        kind=kind,
        title=title,
        case_number=case.number,
        url=reverse("cases:detail", args=[case.number]),
    )


def alert_approvers(*, approval: Approval, kind: str, title: str) -> None:
    """The leaders of the government the owner unit belongs to (who see it in their inbox)."""
    government = government_id_of(approval.case.owner_unit)
    notify(
        recipients=users_acting_for([government], Role.LEADER).get(government, []),
        kind=kind,
        title=title,
        case_number=approval.case.number,
        url=reverse("cases:approvals"),
    )


def alert_user(*, user: User | None, kind: str, title: str, case: Case) -> None:
    if user is not None:
        notify(
            recipients=[user],
            kind=kind,
            title=title,
            case_number=case.number,
            url=reverse("cases:detail", args=[case.number]),
        )
