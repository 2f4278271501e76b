"""Every write to a case. Callers run these inside the transaction of the whole use case."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ValidationError
from accounts.models import OrgUnit, User
from accounts.workcalendar import due_date

from .models import Case, CaseEvent, CaseStatus, Deadline, DeadlineKind, EventKind
from .selectors import deadline_rule_for


def deadline_start(
    *, case: Case, kind: str, responsible_unit: OrgUnit, starts_on: datetime.date
) -> Deadline:
    """Open a clock of `kind` on `case` under the rule in force on `starts_on`."""
    rule = deadline_rule_for(kind, responsible_unit, starts_on)
    return Deadline.objects.create(
        case=case,
        kind=kind,
        rule=rule,
        responsible_unit=responsible_unit,
        starts_on=starts_on,
        due_on=due_date(starts_on, rule.days, rule.counting),
    )


def case_event_write(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    old_status: str = "",
    comment: str = "",
    data: dict | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        actor_unit_id=actor.org_unit_id if actor else None,
        old_status=old_status,
        new_status=case.status,
        comment=comment,
        data=data or {},
    )


# savepoint=False: called inside the registration's transaction, whose failure undoes all.
@transaction.atomic(savepoint=False)
def case_open(
    *,
    actor: User,
    number: str,
    matter_kind: str,
    receiving_unit: OrgUnit,
    location_unit: OrgUnit,
    accused_unit: OrgUnit | None,
    summary: str,
    received_at: datetime.datetime,
) -> Case:
    """Open a case skeleton for a first petition: status registered, owned by the receiving
    unit, with its acceptance clock (receipt + the rule's days) and the first event."""
    case = Case.objects.create(
        number=number,
        status=CaseStatus.REGISTERED,
        matter_kind=matter_kind,
        receiving_unit=receiving_unit,
        owner_unit=receiving_unit,
        location_unit=location_unit,
        accused_unit=accused_unit,
        summary=summary,
        received_at=received_at,
    )
    deadline_start(
        case=case,
        kind=DeadlineKind.ACCEPTANCE,
        responsible_unit=receiving_unit,
        starts_on=timezone.localdate(received_at),
    )
    case_event_write(case=case, kind=EventKind.REGISTERED, actor=actor, data={"petition": number})
    return case


@transaction.atomic(savepoint=False)
def case_attach_petition(*, actor: User, case: Case, petition_number: str) -> Case:
    """Record a repeat petition (重复件) on an open case; the case keeps its clocks.

    The case row is locked so that a concurrent closing cannot slip in between."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(
            {
                "case": _("Case %(number)s is closed; open a new case instead.")
                % {"number": case.number}
            }
        )
    case_event_write(
        case=locked,
        kind=EventKind.PETITION_ATTACHED,
        actor=actor,
        old_status=locked.status,
        data={"petition": petition_number},
    )
    return locked
