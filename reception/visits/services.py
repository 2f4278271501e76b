"""Field visits (下访 / 带案下访): a leader goes to the grassroots, taking cases along, and
what came of each case is recorded."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.services import case_event_write
from core.exceptions import NotAllowed, ValidationError
from core.limits import LONG_TEXT

from ..kinds import ReceptionEventKind
from ..models import FieldVisit, FieldVisitCase

PLACE = 200
MAX_CASES = 50


def can_record_visit(user: User, leader: User) -> bool:
    """A leader for themself, or reception staff and handlers whose area holds the leader's
    unit (the petition office keeps its leaders' records)."""
    if user.pk == leader.pk:
        return user.has_role(Role.LEADER)
    return (
        user.has_role(Role.RECEPTION, Role.HANDLER)
        and leader.org_unit is not None
        and unit_in_scope(user, leader.org_unit)
    )


@transaction.atomic
def field_visit_record(
    *,
    actor: User,
    leader: User,
    date: datetime.date,
    place: str,
    summary: str,
    cases: list[tuple[Case, str]],
) -> FieldVisit:
    """Record a leader's field visit on `date` (not in the future) to `place`, with the cases
    taken along and the outcome of each. The cases must be visible to `actor`, each once."""
    if not can_record_visit(actor, leader):
        raise NotAllowed(
            _("Only the leader, or reception staff and handlers of their area, record this visit.")
        )
    place = (place or "").strip()
    summary = (summary or "").strip()
    errors: dict[str, list[str]] = {}
    if not leader.has_role(Role.LEADER):
        errors["leader"] = [_("%(name)s is not a leader.") % {"name": leader}]
    if date is None:
        errors["date"] = [_("This field is required.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    if not place:
        errors["place"] = [_("This field is required.")]
    elif len(place) > PLACE:
        errors["place"] = [_("The text is too long.")]
    if len(summary) > LONG_TEXT:
        errors["summary"] = [_("The text is too long.")]
    ids = [case.pk for case, _outcome in cases]
    if len(ids) != len(set(ids)):
        errors.setdefault("cases", []).append(_("Each case is taken along once."))
    if len(ids) > MAX_CASES:
        errors.setdefault("cases", []).append(
            _("At most %(count)d cases per visit.") % {"count": MAX_CASES}
        )
    visible = set(cases_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [case.number for case, _outcome in cases if case.pk not in visible]
    if unknown:
        errors.setdefault("cases", []).append(
            _("No such case: %(numbers)s.") % {"numbers": "、".join(unknown)}
        )
    if any(len(outcome or "") > LONG_TEXT for _case, outcome in cases):
        errors.setdefault("cases", []).append(_("The text is too long."))
    if errors:
        raise ValidationError(errors)
    visit = FieldVisit.objects.create(
        leader=leader, date=date, place=place, summary=summary, recorded_by=actor
    )
    FieldVisitCase.objects.bulk_create(
        FieldVisitCase(visit=visit, case=case, outcome=(outcome or "").strip())
        for case, outcome in cases
    )
    for case, outcome in cases:
        case_event_write(
            case=case,
            kind=ReceptionEventKind.FIELD_VISIT,
            actor=actor,
            comment=f"{leader.display_name} · {place}"
            + (f"：{outcome.strip()}" if (outcome or "").strip() else ""),
            data={"visit": visit.pk, "leader": leader.username},
            effective_on=date,
        )
    return visit
