"""The backlog ledger (积案台账): every write.

A supervisor puts a case on the ledger with an assignment sheet (交办单, `backlog_place`): the
lead unit and the four fixes with the sponsor (四定一包: 定领导 the sponsoring leader, 定人员 the
responsible persons, 定方案 the plan, 定时限 the time limit). The lead unit (or the sponsor)
reports progress (`backlog_progress`); the supervisor names a sponsoring leader the sheet left
out (`backlog_sponsor`), extends the time limit once (`backlog_extend`) and records the outcome
(`backlog_end`: 化解, 息访息诉 or 依法终结), which takes the case off the ledger. The time limit
is reminded by the deadline scan (`reminders`).

The rules where the issue leaves the choice to us:
- A case goes on the ledger when it is a backlog case by the rule (`cases.selectors.
  backlog_condition`, evaluated that day) or when the supervisor states why (`reason`): a
  closed or terminated case whose petitioner keeps coming is the classic one.
- Once while open: a second sheet on a case whose entry is open is a conflict; after its
  outcome the case may go on again.
- A group case (a petition of it is a group visit, `Petition.is_group`) needs a sponsoring
  leader; any other may have none for now (the dashboard counts those of group cases).
- A case has one sponsoring leader (包案领导): the sheet's is the case's when it has one, and
  becomes the case's when it has none.
- 依法终结 only for a case terminated by the procedure (复核后终结, `CaseStatus.TERMINATED`).
- Art. 30: the lead unit and the sponsor's unit may not be ones the case accuses.
- Each step is a step of the case too (its timeline shows it): a paper record's date is
  never before the case's previous step, as for the case's own steps, and moves it forward.

Each service locks its row, reads it afresh, checks role, unit, state and dates, writes the
ledger's event (`LedgerEvent`) and the case's (`CaseEvent`), and notifies.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from cases.models import Case, CaseStatus
from cases.selectors import backlog_condition, cases_visible_to
from cases.selectors.accusations import accused_unit_ids, accuses, hidden_from
from cases.services import case_event_write
from cases.services.core import case_lock, case_save
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from escalation.recipients import Recipients
from notifications.services import notify
from petitions.models import Petition

from ..events import ledger_event_write
from ..kinds import BacklogCaseEventKind, LedgerNotificationKind
from ..models import (
    BACKLOG_OUTCOMES,
    BacklogEntry,
    BacklogProgress,
    BacklogStatus,
    Ledger,
    LedgerEventKind,
)
from ..permissions import can_manage_backlog, can_place_on_backlog, can_report_backlog

BACKLOG_SERIES = "积"


def entry_url(entry: BacklogEntry) -> str:
    return reverse("ledgers:backlog_detail", args=[entry.pk])


def is_candidate(case: Case, today: datetime.date) -> bool:
    """Whether `case` is a backlog case by the rule today (one query)."""
    return Case.objects.filter(pk=case.pk).filter(backlog_condition(today)).exists()


def is_group_case(case: Case) -> bool:
    """Whether a petition of `case` is a group visit (群体性, one query)."""
    return Petition.objects.filter(case_id=case.pk, is_group=True).exists()


def _text(name: str, value: str, message: str, limit: int = LONG_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({name: [message]})
    return value[:limit]


def _previous_step(case: Case) -> str:
    return _("The date cannot be before the case's previous step (%(date)s).") % {
        "date": date_format(case.last_step_on, "SHORT_DATE_FORMAT")
    }


def _day(
    case: Case, on: datetime.date | None, earliest: datetime.date, message: str
) -> datetime.date:
    """The day a step happened: today, or an earlier day of a paper record, never ahead, never
    before `earliest` (`message`) and never before the case's previous step."""
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationError({"date": [_("The date cannot be after today.")]})
    if day < earliest:
        raise ValidationError({"date": [message]})
    if day < case.last_step_on:
        raise ValidationError({"date": [_previous_step(case)]})
    return day


def _leader_error(actor: User, case: Case, leader: User, accused: set[int]) -> str | None:
    """Why `leader` cannot sponsor `case` for `actor`'s sheet, or None: an active leader of a
    unit in the actor's area or above it, not of a unit the case accuses."""
    unit = leader.org_unit
    own = actor.org_unit
    if not leader.is_active or unit is None or not leader.has_role(Role.LEADER):
        return _("%(name)s is not a leader.") % {"name": leader.display_name}
    if own is None or not (unit_in_scope(actor, unit) or unit.pk in own.ancestor_ids):
        return _("%(name)s is a leader neither in your area nor above it.") % {
            "name": leader.display_name
        }
    if accuses(case, unit, accused=accused):
        return _("The matter accuses %(unit)s; its leader cannot sponsor it.") % {"unit": unit.name}
    return None


def _sponsor_for(
    actor: User, case: Case, leader: User | None, accused: set[int]
) -> tuple[User | None, str | None]:
    """The sponsoring leader the entry gets (the case's own when the sheet names none) and
    the error on `sponsoring_leader`, if any."""
    if leader is None:
        return case.sponsoring_leader, None
    if case.sponsoring_leader_id not in (None, leader.pk):
        return None, _("%(leader)s already sponsors this case (包案).") % {
            "leader": case.sponsoring_leader.display_name  # type: ignore[union-attr]
        }
    return leader, _leader_error(actor, case, leader, accused)


def _case_step(case: Case, day: datetime.date, leader: User | None = None) -> None:
    """The case's side of a step on its entry: its latest step moved forward to `day`, and
    the sheet's sponsoring leader taken when it has none (its page and the dashboards'
    backlog read it there)."""
    fields = []
    if leader is not None and case.sponsoring_leader_id is None:
        case.sponsoring_leader = leader
        fields.append("sponsoring_leader")
    case_save(case, day, *fields)


def _people(entry: BacklogEntry, actor: User | None = None) -> list[User]:
    """Who hears of a step on an entry: the lead unit's handlers and the sponsoring leader
    (not the one who took the step)."""
    recipients = Recipients([entry.lead_unit])
    people = list(recipients.responsible(entry.lead_unit))
    if entry.sponsoring_leader is not None:
        people.append(entry.sponsoring_leader)
    return [person for person in people if actor is None or person.pk != actor.pk]


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
    text = _text("text", text, _("Say what has been done."))
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
    note = _text("note", note, _("Say how it ended."))
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
