"""Four-level consultation (四级会诊) on a hard case: recording a level's meeting.

Level 1 is the department in its remit; level 2 several departments under the reception
hall's deputy director; level 3 the hall directors' joint meeting with invited experts; level
4 the district joint conference (联席会议). A case starts at level 1 and goes up exactly one
level at a time, each time with a recorded reason (`followup`); every level is held at most
once and its record stays on the case. Each task a consultation gives a unit runs on a clock
of its own (`cases.Deadline` of kind CONSULTATION_TASK), which the deadline scan reminds.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import unit_in_scope, users_acting_for
from cases.models import Case, CaseStatus
from cases.selectors.accusations import accused_unit_ids, accuses
from cases.services import case_event_write, deadline_start
from cases.services.core import case_lock
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from notifications.services import notify

from ...kinds import EscalationDeadlineKind, EscalationEventKind, EscalationNotificationKind
from ...models import Consultation, ConsultationLevel, ConsultationTask
from ...permissions import can_run_consultation

LAST_LEVEL = ConsultationLevel.CONFERENCE
# A case with no matter to work on has nothing to consult on.
NOT_CONSULTABLE = (CaseStatus.NOT_ACCEPTED, CaseStatus.DIVERTED)


@dataclass(frozen=True)
class TaskDraft:
    """A task the consultation gives a unit, due on a date."""

    unit: OrgUnit
    task: str
    due_on: datetime.date


def _day(value: datetime.date) -> str:
    return f"{value:%Y-%m-%d}"


def consultations_of(case: Case) -> dict[int, Consultation]:
    """The case's consultations by level."""
    return {c.level: c for c in Consultation.objects.filter(case=case).order_by("level")}


def next_level(held: dict[int, Consultation]) -> int | None:
    """The one level that may be recorded next on a case whose consultations are `held`:
    1 when there are none; N when level N−1 was escalated and N not held yet; else None."""
    if not held:
        return ConsultationLevel.DEPARTMENT
    latest = held[max(held)]
    if latest.escalated_on is not None and latest.level < LAST_LEVEL:
        return latest.level + 1
    return None


def _level_error(level: object, held: dict[int, Consultation]) -> str | None:
    """Why `level` cannot be recorded now, or None when it can."""
    if (
        not isinstance(level, int)
        or isinstance(level, bool)
        or level not in ConsultationLevel.values
    ):
        return _("Choose a level from 1 to 4.")
    if level in held:
        return _("Level %(level)d was already held on %(date)s.") % {
            "level": level,
            "date": _day(held[level].held_on),
        }
    if level == ConsultationLevel.DEPARTMENT:
        return None
    previous = held.get(level - 1)
    if previous is None or previous.escalated_on is None:
        return _("Level %(level)d needs level %(previous)d escalated first.") % {
            "level": level,
            "previous": level - 1,
        }
    return None


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_units(actor: User, case: Case, units: Sequence[OrgUnit], accused: set[int]) -> list[str]:
    """`accused`: the case's `accused_unit_ids`, none of which (nor a unit below one) may
    attend or take a task (Art. 30)."""
    errors = []
    for unit in units:
        if not unit.is_active:
            errors.append(_("%(unit)s is no longer active.") % {"unit": unit.name})
        elif not unit_in_scope(actor, unit):
            errors.append(_("%(unit)s is outside your area.") % {"unit": unit.name})
        elif accuses(case, unit, accused=accused):
            errors.append(
                _("The matter accuses %(unit)s; it cannot take part.") % {"unit": unit.name}
            )
    return errors


def _check_tasks(
    actor: User,
    case: Case,
    tasks: Sequence[TaskDraft],
    held_on: datetime.date | None,
    accused: set[int],
) -> list[str]:
    errors = []
    for number, draft in enumerate(tasks, start=1):
        values = {"number": number}
        if not _text(draft.task):
            errors.append(_("Task %(number)d: say what is to be done.") % values)
        if draft.unit is None:
            errors.append(_("Task %(number)d: choose the unit.") % values)
        else:
            errors += [
                _("Task %(number)d: %(error)s") % {**values, "error": error}
                for error in _check_units(actor, case, [draft.unit], accused)
            ]
        if draft.due_on is None:
            errors.append(_("Task %(number)d: give the due date.") % values)
        elif held_on is not None and draft.due_on <= held_on:
            errors.append(_("Task %(number)d: the due date must be after the meeting.") % values)
    return errors


def _check_held_on(
    held_on: datetime.date | None, case: Case, previous: Consultation | None
) -> str | None:
    if held_on is None:
        return _("Give the date of the meeting.")
    if held_on > timezone.localdate():
        return _("The date cannot be in the future.")
    received_on = timezone.localdate(case.received_at)
    if held_on < received_on:
        return _("The date cannot be before the case was received (%(date)s).") % {
            "date": _day(received_on)
        }
    if previous is not None and previous.escalated_on and held_on < previous.escalated_on:
        return _("The date cannot be before level %(level)d was escalated (%(date)s).") % {
            "level": previous.level,
            "date": _day(previous.escalated_on),
        }
    return None


@transaction.atomic
def consultation_record(
    *,
    actor: User,
    case: Case,
    level: int,
    held_on: datetime.date,
    units: Sequence[OrgUnit],
    attendees: str,
    experts: str = "",
    analysis: str,
    decision: str,
    tasks: Sequence[TaskDraft] = (),
) -> Consultation:
    """Record the consultation of `level` held on `held_on`: who attended (units, people,
    experts), the analysis, the decision, and the tasks it gave units, each with a clock of
    its own. Level 1 only on a case without consultations; level N > 1 only once level N−1
    was escalated and N not held yet. The task units' staff are notified."""
    case = case_lock(case)
    if not can_run_consultation(actor, case):
        raise NotAllowed(
            _("Consultations are recorded by the petition office or the joint-conference office.")
        )
    if case.status in NOT_CONSULTABLE:
        raise Conflict(
            _("Case %(number)s is “%(status)s”: there is no matter to consult on.")
            % {"number": case.number, "status": case.get_status_display()}
        )
    held = consultations_of(case)
    errors: dict[str, list[str]] = {}
    level_error = _level_error(level, held)
    if level_error:
        errors["level"] = [level_error]
    previous = held.get(level - 1) if not level_error else None
    date_error = _check_held_on(held_on, case, previous)
    if date_error:
        errors["date"] = [date_error]
    units = list(dict.fromkeys(units or []))
    accused = accused_unit_ids(case)
    if not units:
        errors["units"] = [_("Name at least one unit that attended.")]
    elif unit_errors := _check_units(actor, case, units, accused):
        errors["units"] = unit_errors
    attendees, experts = _text(attendees), _text(experts)
    analysis, decision = _text(analysis), _text(decision)
    for field, value in (("attendees", attendees), ("analysis", analysis), ("decision", decision)):
        if not value:
            errors[field] = [_("This field is required.")]
        elif len(value) > LONG_TEXT:
            errors[field] = [_("This text is too long.")]
    if level == ConsultationLevel.DIRECTORS and not experts:
        errors["experts"] = [_("Level 3 is held with invited experts: name them.")]
    tasks = list(tasks or [])
    if task_errors := _check_tasks(
        actor, case, tasks, held_on if not date_error else None, accused
    ):
        errors["tasks"] = task_errors
    if errors:
        raise ValidationError(errors)

    # A user of a unit (`can_run_consultation`): the consultation is recorded in its name.
    recording_unit = actor.org_unit
    assert recording_unit is not None
    consultation = Consultation.objects.create(
        case=case,
        level=level,
        held_on=held_on,
        attendees=attendees,
        experts=experts,
        analysis=analysis,
        decision=decision,
        recorded_by=actor,
        recording_unit=recording_unit,
    )
    consultation.units.set(units)
    rows = []
    for draft in tasks:
        clock = deadline_start(
            case=case,
            kind=EscalationDeadlineKind.CONSULTATION_TASK,
            responsible_unit=draft.unit,
            starts_on=held_on,
            due_on=draft.due_on,
        )
        rows.append(
            ConsultationTask(
                consultation=consultation,
                unit=draft.unit,
                task=_text(draft.task),
                due_on=draft.due_on,
                deadline=clock,
            )
        )
    ConsultationTask.objects.bulk_create(rows)
    case_event_write(
        case=case,
        kind=EscalationEventKind.CONSULTATION_HELD,
        actor=actor,
        comment=decision,
        data={
            "consultation": consultation.pk,
            "level": level,
            "units": [unit.code for unit in units],
            "tasks": len(rows),
        },
        effective_on=held_on,
    )
    _notify_task_units(case, consultation, rows)
    return consultation


def _notify_task_units(
    case: Case, consultation: Consultation, tasks: list[ConsultationTask]
) -> None:
    if not tasks:
        return
    staff = users_acting_for({task.unit_id for task in tasks}, Role.HANDLER, Role.LEADER)
    url = reverse("escalation:case_consultations", args=[case.number])
    for task in tasks:
        notify(
            recipients=staff.get(task.unit_id, []),
            kind=EscalationNotificationKind.CONSULTATION,
            title=_("Consultation (%(level)s) on case %(case)s: a task for %(unit)s, due %(due)s")
            % {
                "level": consultation.get_level_display(),
                "case": case.number,
                "unit": task.unit.name,
                "due": _day(task.due_on),
            },
            body=task.task,
            case_number=case.number,
            url=url,
        )
