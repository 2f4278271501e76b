"""Working a backlog case: progress, the sponsor named later, the one extension and the
outcome (`backlog_progress`, `backlog_sponsor`, `backlog_extend`, `backlog_end`)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, CaseStatus
from cases.selectors.accusations import accused_unit_ids, hidden_from
from cases.services import case_event_write
from cases.services.core import case_lock
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from notifications.services import notify

from ...checks import required_text
from ...events import ledger_event_write
from ...kinds import BacklogCaseEventKind, LedgerNotificationKind
from ...models import (
    BACKLOG_OUTCOMES,
    BacklogEntry,
    BacklogProgress,
    BacklogStatus,
    Ledger,
    LedgerEventKind,
)
from ...permissions import can_manage_backlog, can_report_backlog
from .common import (
    _case_step,
    _day,
    _people,
    _sponsor_for,
    entry_url,
)


def _lock_entry(actor: User, entry: BacklogEntry | int) -> BacklogEntry:
    """The entry locked and read afresh; refused to a user the case's accusation hides it
    from (Art. 30), whatever their role."""
    pk = entry if isinstance(entry, int) else entry.pk
    entry = lock_and_read(
        BacklogEntry.objects.select_related("case", "lead_unit", "sponsoring_leader"), pk
    )
    if Case.objects.filter(pk=entry.case_id).filter(hidden_from(actor)).exists():
        raise NotAllowed(_("This backlog case is not yours to work on."))
    return entry


def _still_open(entry: BacklogEntry) -> None:
    if not entry.is_open:
        raise Conflict(
            _("Backlog case %(sheet)s is off the ledger (“%(status)s”).")
            % {"sheet": entry.number, "status": entry.get_status_display()}
        )


def _manage(actor: User, entry: BacklogEntry | int) -> BacklogEntry:
    entry = _lock_entry(actor, entry)
    if not can_manage_backlog(actor, entry):
        raise NotAllowed(
            _("Only a supervisor whose area holds %(unit)s does this.")
            % {"unit": entry.lead_unit.name}
        )
    _still_open(entry)
    return entry


@transaction.atomic
def backlog_progress(
    *, actor: User, entry: BacklogEntry, text: str, on: datetime.date | None = None
) -> BacklogEntry:
    """A progress report of the lead unit (or the sponsoring leader) on an open entry, dated
    `on` (today by default; not before the entry was put on the ledger)."""
    entry = _lock_entry(actor, entry)
    if not can_report_backlog(actor, entry):
        raise NotAllowed(
            _("Only %(unit)s or the sponsoring leader reports progress on this backlog case.")
            % {"unit": entry.lead_unit.name}
        )
    unit = actor.org_unit
    if unit is None:
        raise NotAllowed(_("Only the staff of a unit report progress."))
    _still_open(entry)
    text = required_text("text", text, _("Say what has been done."))
    case = case_lock(entry.case_id)
    day = _day(
        case, on, entry.placed_on, _("The date cannot be before the case went on the ledger.")
    )
    BacklogProgress.objects.create(
        entry=entry, reported_on=day, text=text, unit=unit, reported_by=actor
    )
    if entry.last_progress_on is None or day > entry.last_progress_on:
        entry.last_progress_on = day
        entry.save(update_fields=["last_progress_on"])
    ledger_event_write(
        ledger=Ledger.BACKLOG,
        object_id=entry.pk,
        kind=LedgerEventKind.PROGRESS,
        actor=actor,
        status=entry.status,
        note=f"{day.isoformat()} {text}",
    )
    _case_step(case, day)
    case_event_write(
        case=case,
        kind=BacklogCaseEventKind.PROGRESS,
        actor=actor,
        comment=text,
        data={"sheet": entry.number},
        effective_on=day,
    )
    supervisors = [entry.placed_by] if entry.placed_by_id != actor.pk else []
    notify(
        recipients=[*supervisors, *_people(entry, actor)],
        kind=LedgerNotificationKind.BACKLOG,
        title=_("Backlog case %(sheet)s (case %(case)s): %(unit)s reported progress.")
        % {"sheet": entry.number, "case": entry.case.number, "unit": unit.name},
        body=text,
        case_number=entry.case.number,
        url=entry_url(entry),
    )
    return entry


@transaction.atomic
def backlog_sponsor(*, actor: User, entry: BacklogEntry, leader: User | None) -> BacklogEntry:
    """Name the sponsoring leader (包案领导) of an open entry whose sheet named none; the case
    takes them too when it has none."""
    entry = _manage(actor, entry)
    if entry.sponsoring_leader_id is not None:
        raise Conflict(
            _("%(leader)s already sponsors backlog case %(sheet)s.")
            % {"leader": entry.sponsoring_leader.display_name, "sheet": entry.number}  # type: ignore[union-attr]
        )
    if leader is None:
        raise ValidationError({"sponsoring_leader": [_("Choose the sponsoring leader.")]})
    case = case_lock(entry.case_id)
    chosen, error = _sponsor_for(actor, case, leader, accused_unit_ids(case))
    if error:
        raise ValidationError({"sponsoring_leader": [error]})
    assert chosen is not None
    entry.sponsoring_leader = chosen
    entry.save(update_fields=["sponsoring_leader"])
    _case_step(case, timezone.localdate(), chosen)
    ledger_event_write(
        ledger=Ledger.BACKLOG,
        object_id=entry.pk,
        kind=LedgerEventKind.SPONSOR_NAMED,
        actor=actor,
        status=entry.status,
        note=chosen.display_name,
    )
    case_event_write(
        case=case,
        kind=BacklogCaseEventKind.SPONSOR_NAMED,
        actor=actor,
        comment=_("%(leader)s sponsors backlog case %(sheet)s.")
        % {"leader": chosen.display_name, "sheet": entry.number},
        data={"sheet": entry.number, "sponsoring_leader": chosen.username},
    )
    notify(
        recipients=[chosen] if chosen.pk != actor.pk else [],
        kind=LedgerNotificationKind.BACKLOG,
        title=_("You sponsor backlog case %(sheet)s (case %(case)s), to be resolved by %(due)s.")
        % {"sheet": entry.number, "case": case.number, "due": entry.due_on.isoformat()},
        case_number=case.number,
        url=entry_url(entry),
        sms=True,
    )
    return entry


@transaction.atomic
def backlog_extend(
    *, actor: User, entry: BacklogEntry, due_on: datetime.date | None, reason: str
) -> BacklogEntry:
    """Extend the time limit once, with the reason: the new day is after the current one and
    after today, and the scan reminds it afresh."""
    entry = _manage(actor, entry)
    if entry.extended:
        raise Conflict(
            _("The time limit of backlog case %(sheet)s was already extended on %(day)s.")
            % {"sheet": entry.number, "day": entry.extended_on.isoformat()}  # type: ignore[union-attr]
        )
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if due_on is None:
        errors["due"] = [_("Give the new time limit.")]
    elif due_on <= max(entry.due_on, today):
        errors["due"] = [
            _("The new time limit must be after %(day)s.")
            % {"day": max(entry.due_on, today).isoformat()}
        ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("State the reason for the extension.")]
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    old = entry.due_on
    entry.due_on = due_on
    entry.extended_on = today
    entry.extension_reason = reason[:LONG_TEXT]
    entry.save(update_fields=["due_on", "extended_on", "extension_reason"])
    ledger_event_write(
        ledger=Ledger.BACKLOG,
        object_id=entry.pk,
        kind=LedgerEventKind.EXTENDED,
        actor=actor,
        status=entry.status,
        note=f"{old.isoformat()} → {due_on.isoformat()}：{reason}",
    )
    case = case_lock(entry.case_id)
    _case_step(case, today)
    case_event_write(
        case=case,
        kind=BacklogCaseEventKind.EXTENDED,
        actor=actor,
        comment=reason,
        data={"sheet": entry.number, "from": old.isoformat(), "to": due_on.isoformat()},
    )
    notify(
        recipients=_people(entry, actor),
        kind=LedgerNotificationKind.BACKLOG,
        title=_("Backlog case %(sheet)s (case %(case)s): the time limit is extended to %(due)s.")
        % {"sheet": entry.number, "case": entry.case.number, "due": due_on.isoformat()},
        body=reason,
        case_number=entry.case.number,
        url=entry_url(entry),
    )
    return entry


@transaction.atomic
def backlog_end(
    *,
    actor: User,
    entry: BacklogEntry,
    outcome: str,
    note: str,
    on: datetime.date | None = None,
) -> BacklogEntry:
    """Record the outcome that takes the case off the ledger (销号): resolved (化解), the
    petitioner stopped (息访息诉) or terminated by law (依法终结, for a case the procedure
    terminated), on `on` (today by default; not before it went on the ledger)."""
    entry = _manage(actor, entry)
    if outcome not in BACKLOG_OUTCOMES:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    case = case_lock(entry.case_id)
    if outcome == BacklogStatus.TERMINATED and case.status != CaseStatus.TERMINATED:
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "Case %(number)s is “%(status)s”, not terminated after re-review: it "
                        "cannot be recorded as terminated by law."
                    )
                    % {"number": case.number, "status": case.get_status_display()}
                ]
            }
        )
    note = required_text("note", note, _("Say how it ended."))
    day = _day(
        case, on, entry.placed_on, _("The date cannot be before the case went on the ledger.")
    )
    entry.status = outcome
    entry.ended_on = day
    entry.ended_by = actor
    entry.outcome_note = note
    entry.save(update_fields=["status", "ended_on", "ended_by", "outcome_note"])
    _case_step(case, day)
    label = BacklogStatus(outcome).label
    ledger_event_write(
        ledger=Ledger.BACKLOG,
        object_id=entry.pk,
        kind=outcome,
        actor=actor,
        status=outcome,
        note=f"{day.isoformat()} {note}",
    )
    case_event_write(
        case=case,
        kind=BacklogCaseEventKind.ENDED,
        actor=actor,
        comment=f"{label}：{note}",
        data={"sheet": entry.number, "outcome": outcome},
        effective_on=day,
    )
    notify(
        recipients=_people(entry, actor),
        kind=LedgerNotificationKind.BACKLOG,
        title=_("Backlog case %(sheet)s (case %(case)s) is off the ledger: %(outcome)s.")
        % {"sheet": entry.number, "case": case.number, "outcome": label},
        body=note,
        case_number=case.number,
        url=entry_url(entry),
    )
    return entry
