"""Putting a case on the backlog ledger with its assignment sheet (`backlog_place`)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.numbering import next_document_number
from accounts.selectors import unit_in_scope
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.selectors.accusations import accused_unit_ids, accuses
from cases.services import case_event_write
from cases.services.core import case_lock
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from notifications.services import notify

from ...events import ledger_event_write
from ...kinds import BacklogCaseEventKind, LedgerNotificationKind
from ...models import (
    BacklogEntry,
    BacklogStatus,
    Ledger,
    LedgerEventKind,
)
from ...permissions import can_place_on_backlog
from .common import (
    BACKLOG_SERIES,
    _case_step,
    _people,
    _previous_step,
    _sponsor_for,
    entry_url,
    is_candidate,
    is_group_case,
)


@transaction.atomic
def backlog_place(
    *,
    actor: User,
    case: Case,
    lead_unit: OrgUnit | None,
    sponsoring_leader: User | None,
    responsible_persons: str,
    plan: str,
    due_on: datetime.date | None,
    reason: str = "",
    on: datetime.date | None = None,
) -> BacklogEntry:
    """Put `case` on the backlog ledger with its assignment sheet (交办单), numbered in the
    actor's unit's series (`…积〔2026〕n号`). `on`: the day of a paper sheet entered later
    (not before the case was first received). The lead unit and the sponsor are notified."""
    placing_unit = actor.org_unit
    if placing_unit is None or not can_place_on_backlog(actor):
        raise NotAllowed(_("Only a supervisor puts a case on the backlog ledger."))
    case = case_lock(case)
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed(_("Case %(number)s is outside your area.") % {"number": case.number})
    existing = BacklogEntry.objects.filter(case=case, status=BacklogStatus.OPEN).first()
    if existing is not None:
        raise Conflict(
            _("Case %(number)s is already on the backlog ledger (%(sheet)s).")
            % {"number": case.number, "sheet": existing.number}
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    received = timezone.localtime(case.received_at).date()
    placed_on = on or today
    if placed_on > today:
        errors["date"] = [_("The date cannot be after today.")]
    elif placed_on < received:
        errors["date"] = [_("The date cannot be before the case was first received.")]
    elif placed_on < case.last_step_on:
        errors["date"] = [_previous_step(case)]
    candidate = is_candidate(case, today)
    reason = (reason or "").strip()[:LONG_TEXT]
    if not candidate and not reason:
        errors["reason"] = [
            _(
                "Case %(number)s is not a backlog case by the rule (in work for more than six "
                "months, or three petitions in two years): state why it goes on the ledger."
            )
            % {"number": case.number}
        ]
    accused = accused_unit_ids(case)
    if lead_unit is None:
        errors["lead_unit"] = [_("Choose the lead unit.")]
    elif not lead_unit.is_active or not unit_in_scope(actor, lead_unit):
        errors["lead_unit"] = [_("%(unit)s is outside your area.") % {"unit": lead_unit.name}]
    elif accuses(case, lead_unit, accused=accused):
        # Art. 30: the accused never works on, nor sees, the accusation.
        errors["lead_unit"] = [
            _("The matter accuses %(unit)s; it cannot lead.") % {"unit": lead_unit.name}
        ]
    leader, leader_error = _sponsor_for(actor, case, sponsoring_leader, accused)
    if leader_error:
        errors["sponsoring_leader"] = [leader_error]
    elif leader is None and is_group_case(case):
        errors["sponsoring_leader"] = [
            _("A group case (群体性积案) must have a sponsoring leader (包案领导).")
        ]
    responsible_persons = (responsible_persons or "").strip()
    if not responsible_persons:
        errors["responsible_persons"] = [_("Name the responsible persons.")]
    plan = (plan or "").strip()
    if not plan:
        errors["plan"] = [_("Give the plan to resolve it.")]
    if due_on is None:
        errors["due"] = [_("Give the time limit.")]
    elif due_on <= placed_on:
        errors["due"] = [_("The time limit must be after the day it is put on the ledger.")]
    if errors:
        raise ValidationError(errors)
    assert lead_unit is not None and due_on is not None  # checked above
    try:
        # The case row lock keeps a second supervisor waiting; the one-open constraint is the
        # backstop where the database has no row locks (SQLite).
        with transaction.atomic():
            entry = BacklogEntry.objects.create(
                number=next_document_number(
                    unit=placing_unit, series=BACKLOG_SERIES, year=placed_on.year
                ),
                case=case,
                placing_unit=placing_unit,
                placed_by=actor,
                placed_on=placed_on,
                candidate=candidate,
                reason=reason,
                lead_unit=lead_unit,
                sponsoring_leader=leader,
                responsible_persons=responsible_persons[:200],
                plan=plan[:LONG_TEXT],
                due_on=due_on,
                original_due_on=due_on,
            )
    except IntegrityError:
        raise Conflict(
            _("Case %(number)s is already on the backlog ledger.") % {"number": case.number}
        ) from None
    _case_step(case, placed_on, leader)
    sponsor = leader.display_name if leader else _("none yet")
    ledger_event_write(
        ledger=Ledger.BACKLOG,
        object_id=entry.pk,
        kind=LedgerEventKind.PLACED,
        actor=actor,
        status=entry.status,
        note=_("%(unit)s leads; sponsoring leader %(leader)s; time limit %(due)s.")
        % {"unit": lead_unit.name, "leader": sponsor, "due": due_on.isoformat()},
    )
    case_event_write(
        case=case,
        kind=BacklogCaseEventKind.PLACED,
        actor=actor,
        comment=_(
            "Put on the backlog ledger by assignment sheet %(sheet)s: %(unit)s leads, by %(due)s."
        )
        % {"sheet": entry.number, "unit": lead_unit.name, "due": due_on.isoformat()},
        data={
            "sheet": entry.number,
            "lead_unit": lead_unit.code,
            "sponsoring_leader": leader.username if leader else "",
            "due_on": due_on.isoformat(),
            "candidate": candidate,
        },
        effective_on=placed_on,
    )
    notify(
        recipients=_people(entry, actor),
        kind=LedgerNotificationKind.BACKLOG,
        title=_(
            "Case %(case)s is on the backlog ledger (%(sheet)s): %(unit)s leads, to be "
            "resolved by %(due)s."
        )
        % {
            "case": case.number,
            "sheet": entry.number,
            "unit": lead_unit.name,
            "due": due_on.isoformat(),
        },
        body=plan,
        case_number=case.number,
        url=entry_url(entry),
        sms=leader is not None,
    )
    return entry
