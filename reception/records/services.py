"""The reception record (接访记录): whether the petitioner came, what was said, and the
leader's instruction (批示), which either settles the matter on the spot (当场解决) or becomes
an assignment with a supervision notice (督办通知书), supervised to the end."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from cases.models import Case, EventKind
from cases.permissions import can_sponsor
from cases.services import case_assign, case_event_write
from cases.services.core import case_lock, case_save
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from escalation.notices.services import supervision_notice_issue

from ..kinds import ReceptionEventKind
from ..models import Appointment, AppointmentStatus, ReceptionRecord

# The field names of the record form and API, for errors raised by the services it calls.
ASSIGN_FIELDS = {
    "lead_unit": "responsible_unit",
    "co_units": "responsible_unit",
    "responsible_person": "responsible_person",
    "instructions": "instruction",
    "due_on": "due",
}
NOTICE_FIELDS = {"unit": "responsible_unit", "content": "instruction", "due": "due"}


def can_record(user: User, appointment: Appointment) -> bool:
    """Whether `user` may record anything on the appointment: its receiving leader, or
    reception staff whose area holds the schedule's unit (who may record only a no-show)."""
    schedule = appointment.day.schedule
    return user.pk == schedule.leader_id or can_record_no_show(user, appointment)


def can_record_no_show(user: User, appointment: Appointment) -> bool:
    schedule = appointment.day.schedule
    return user.has_role(Role.RECEPTION) and unit_in_scope(user, schedule.unit)


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's field errors under the record's field names (others above the form)."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        renamed.setdefault(names.get(name, "__all__"), []).extend(messages)
    return ValidationError(renamed)


def _lock(appointment: Appointment) -> Appointment:
    """The appointment row, locked and read afresh, with its day and schedule."""
    return lock_and_read(
        Appointment.objects.select_related("day__schedule__leader", "day__schedule__unit", "case"),
        appointment.pk,
    )


def _check(
    *,
    attended: bool,
    account: str,
    instruction: str,
    resolved_on_spot: bool,
    responsible_unit: OrgUnit | None,
    responsible_person: str,
    due_on: datetime.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not attended:
        if resolved_on_spot:
            errors["resolved_on_spot"] = [
                _("A petitioner who did not come cannot be resolved on the spot.")
            ]
        if instruction:
            errors["instruction"] = [_("An instruction is recorded only for a reception held.")]
    else:
        if not account:
            errors["account"] = [_("Write down what the petitioner said.")]
        if not resolved_on_spot:
            if not instruction:
                errors["instruction"] = [
                    _("Write the leader's instruction, or tick “resolved on the spot”.")
                ]
            if responsible_unit is None:
                errors["responsible_unit"] = [_("Choose the unit responsible.")]
            if not responsible_person:
                errors["responsible_person"] = [_("Name the person responsible.")]
            if due_on is None:
                errors["due"] = [_("Set the date the unit must report back by.")]
    if len(account) > LONG_TEXT:
        errors.setdefault("account", []).append(_("The text is too long."))
    if len(instruction) > LONG_TEXT:
        errors.setdefault("instruction", []).append(_("The text is too long."))
    if errors:
        raise ValidationError(errors)


def _sponsor_on_the_spot(*, leader: User, case: Case, appointment: Appointment) -> None:
    """首接负责制: the leader who received the petitioner sponsors the case if nobody does.
    (`case_sponsor` wants a time limit and named staff, which a reception does not set.)"""
    locked = case_lock(case)
    if not can_sponsor(leader, locked):
        return
    if locked.sponsoring_leader_id is not None or not locked.is_open:
        return
    today = timezone.localdate()
    locked.sponsoring_leader = leader
    case_save(locked, today, "sponsoring_leader")
    case_event_write(
        case=locked,
        kind=EventKind.SPONSORED,
        actor=leader,
        comment=_("Received at the leader's reception on %(date)s (first receiver responsible).")
        % {"date": date_format(appointment.day.date, "SHORT_DATE_FORMAT")},
        data={"appointment": appointment.pk, "reception": appointment.day.date.isoformat()},
        effective_on=today,
    )


def _reception_summary(leader: User, attended: bool, resolved: bool, instruction: str) -> str:
    name = leader.display_name
    if not attended:
        return _("%(leader)s: the petitioner did not come.") % {"leader": name}
    if resolved:
        return _("%(leader)s: resolved on the spot.") % {"leader": name}
    return _("%(leader)s instructed: %(instruction)s") % {
        "leader": name,
        "instruction": instruction,
    }


@transaction.atomic
def reception_record(
    *,
    actor: User,
    appointment: Appointment,
    attended: bool,
    account: str,
    instruction: str,
    resolved_on_spot: bool,
    responsible_unit: OrgUnit | None = None,
    responsible_person: str = "",
    due_on: datetime.date | None = None,
) -> ReceptionRecord:
    """Record the reception of `appointment`, once, from its day on.

    The receiving leader (the schedule's leader) records it; reception staff of the
    schedule's area may record only that the petitioner did not come. The appointment becomes
    attended or no_show. A reception held but not resolved on the spot turns the leader's
    instruction into an assignment to `responsible_unit` (report back by `due_on`) and a
    supervision notice to it; either way the leader becomes the case's sponsoring leader if
    it has none. All or nothing: any refusal leaves nothing written."""
    account = (account or "").strip()
    instruction = (instruction or "").strip()
    responsible_person = (responsible_person or "").strip()
    appointment = _lock(appointment)
    schedule = appointment.day.schedule
    leader = schedule.leader
    if actor.pk != leader.pk:
        if not can_record_no_show(actor, appointment):
            raise NotAllowed(
                _("Only %(leader)s, who receives on this day, records this reception.")
                % {"leader": leader.display_name}
            )
        if attended:
            raise NotAllowed(_("Reception staff may record only that the petitioner did not come."))
    if hasattr(appointment, "record") or appointment.status != AppointmentStatus.BOOKED:
        if appointment.status == AppointmentStatus.CANCELLED:
            raise Conflict(_("The appointment was cancelled: there is nothing to record."))
        raise Conflict(_("This reception has already been recorded."))
    today = timezone.localdate()
    if today < appointment.day.date:
        raise Conflict(
            _("The reception is on %(date)s: it can be recorded from that day on.")
            % {"date": date_format(appointment.day.date, "SHORT_DATE_FORMAT")}
        )
    _check(
        attended=attended,
        account=account,
        instruction=instruction,
        resolved_on_spot=resolved_on_spot,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        due_on=due_on,
    )
    new_status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    # The row lock makes this the only record; the condition keeps it so on any database.
    changed = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
        status=new_status
    )
    if changed != 1:
        raise Conflict(_("This reception has already been recorded."))
    appointment.status = new_status
    case = appointment.case
    assignment = notice = None
    if attended and not resolved_on_spot:
        assert responsible_unit is not None and due_on is not None  # `_check` required them
        try:
            assignment = case_assign(
                actor=leader,
                case=case,
                lead_unit=responsible_unit,
                responsible_person=responsible_person,
                leader=leader,
                instructions=instruction,
                due_on=due_on,
            )
        except ValidationError as error:
            raise _renamed(error, ASSIGN_FIELDS) from None
        try:
            notice = supervision_notice_issue(
                actor=leader,
                case=assignment.case,
                unit=responsible_unit,
                due_on=due_on,
                content=instruction,
            )
        except ValidationError as error:
            raise _renamed(error, NOTICE_FIELDS) from None
    elif attended:
        _sponsor_on_the_spot(leader=leader, case=case, appointment=appointment)
    case_event_write(
        case=case,
        kind=ReceptionEventKind.RECEPTION_HELD,
        actor=actor,
        comment=_reception_summary(leader, attended, resolved_on_spot, instruction),
        data={"appointment": appointment.pk, "leader": leader.username, "attended": attended},
        effective_on=appointment.day.date,
    )
    return ReceptionRecord.objects.create(
        appointment=appointment,
        attended=attended,
        account=account,
        instruction=instruction,
        resolved_on_spot=attended and resolved_on_spot,
        assignment=assignment,
        supervision_notice=notice,
        recorded_by=actor,
    )
