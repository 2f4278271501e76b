"""What follows a consultation's meeting: escalating it to the next level, with a reason,
and the task units marking their tasks done.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import acts_for, district_ancestor, government_id_of, users_acting_for
from cases.services import case_event_write
from cases.services.core import case_lock, clock_meet
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from notifications.services import notify

from ...kinds import EscalationEventKind, EscalationNotificationKind
from ...models import Consultation, ConsultationLevel, ConsultationTask
from ...permissions import can_run_consultation
from .meetings import LAST_LEVEL, _day, _text

# Who marks a task done for its unit (not reception staff only).
TASK_ROLES = (Role.HANDLER, Role.LEADER, Role.SUPERVISOR)


def convening_unit_id(consultation: Consultation, level: int) -> int:
    """The unit whose staff convene `level`: the district joint conference (the district
    government) for level 4, else the government of the petition office (the reception
    hall) that recorded the consultation."""
    recording = consultation.recording_unit
    if level == LAST_LEVEL:
        district = district_ancestor(recording) or district_ancestor(consultation.case.owner_unit)
        if district is not None:
            return district.pk
    return government_id_of(recording)


@transaction.atomic
def consultation_escalate(
    *,
    actor: User,
    consultation: Consultation,
    level: int,
    reason: str,
    on: datetime.date | None = None,
) -> Consultation:
    """Escalate `consultation` to the next level (`level` must be exactly one above it) with
    a reason; a consultation escalates once, and level 4 is the last. The supervisors and
    leaders who convene the next level are notified."""
    case = case_lock(consultation.case_id)
    if not can_run_consultation(actor, case):
        raise NotAllowed(
            _("Consultations are escalated by the petition office or the joint-conference office.")
        )
    consultation = lock_and_read(
        Consultation.objects.select_related("recording_unit"), consultation.pk
    )
    consultation.case = case
    if consultation.escalated_on is not None:
        raise Conflict(
            _("Level %(level)d was already escalated on %(date)s.")
            % {"level": consultation.level, "date": _day(consultation.escalated_on)}
        )
    errors: dict[str, list[str]] = {}
    if consultation.level >= LAST_LEVEL:
        errors["level"] = [_("Level 4, the district joint conference, is the last level.")]
    elif level != consultation.level + 1:
        errors["level"] = [
            _(
                "A consultation goes up one level at a time: level %(level)d escalates only to "
                "level %(next)d."
            )
            % {"level": consultation.level, "next": consultation.level + 1}
        ]
    reason = _text(reason)
    if not reason:
        errors["reason"] = [_("Give the reason for escalating.")]
    elif len(reason) > LONG_TEXT:
        errors["reason"] = [_("This text is too long.")]
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    elif on < consultation.held_on:
        errors["date"] = [
            _("The date cannot be before the consultation (%(date)s).")
            % {"date": _day(consultation.held_on)}
        ]
    if errors:
        raise ValidationError(errors)
    consultation.escalated_on = on
    consultation.escalated_by = actor
    consultation.escalation_reason = reason
    consultation.save(update_fields=["escalated_on", "escalated_by", "escalation_reason"])
    case_event_write(
        case=case,
        kind=EscalationEventKind.CONSULTATION_ESCALATED,
        actor=actor,
        comment=reason,
        data={"consultation": consultation.pk, "from": consultation.level, "to": level},
        effective_on=on,
    )
    convener = convening_unit_id(consultation, level)
    people = users_acting_for([convener], Role.SUPERVISOR, Role.LEADER).get(convener, [])
    notify(
        recipients=[person for person in people if person.pk != actor.pk],
        kind=EscalationNotificationKind.CONSULTATION,
        title=_("Case %(case)s: the consultation goes up to %(level)s")
        % {"case": case.number, "level": ConsultationLevel(level).label},
        body=reason,
        case_number=case.number,
        url=reverse("escalation:case_consultations", args=[case.number]),
    )
    return consultation


def can_mark_task_done(user: User, task: ConsultationTask) -> bool:
    """Anyone acting for the task's unit, except reception staff only."""
    return user.has_role(*TASK_ROLES) and acts_for(user, task.unit)


@transaction.atomic
def consultation_task_done(
    *, actor: User, task: ConsultationTask, on: datetime.date | None = None
) -> ConsultationTask:
    """A user acting for the task's unit marks it done on `on` (today by default): its
    clock is met, in time or late."""
    task = lock_and_read(
        ConsultationTask.objects.select_related("consultation__case", "deadline", "unit"),
        task.pk,
    )
    if not can_mark_task_done(actor, task):
        raise NotAllowed(_("Only staff of %(unit)s mark this task done.") % {"unit": task.unit})
    if task.done_on is not None:
        raise Conflict(_("This task was already done on %(date)s.") % {"date": _day(task.done_on)})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"date": [_("The date cannot be in the future.")]})
    if on < task.consultation.held_on:
        raise ValidationError(
            {
                "date": [
                    _("The date cannot be before the consultation (%(date)s).")
                    % {"date": _day(task.consultation.held_on)}
                ]
            }
        )
    task.done_on = on
    task.save(update_fields=["done_on"])
    if task.deadline is not None and task.deadline.is_open:
        clock_meet(task.deadline, on)
    case_event_write(
        case=task.consultation.case,
        kind=EscalationEventKind.CONSULTATION_TASK_DONE,
        actor=actor,
        comment=task.task,
        data={"consultation": task.consultation_id, "unit": task.unit.code},
        effective_on=on,
    )
    return task
