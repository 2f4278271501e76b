"""Changing a booked appointment: cancelling it, or moving it to another open day of the
same schedule (under the same capacity rule and day lock as booking, `booking`). Who
books into a schedule, and who keeps the leader's calendar, may do either.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotAllowed, ValidationError

from ...kinds import ReceptionEventKind
from ...models import (
    ACTIVE_APPOINTMENTS,
    Appointment,
    AppointmentPetitioner,
    AppointmentStatus,
    ReceptionSchedule,
)
from ...permissions import can_book, can_manage_schedule
from .booking import (
    NOTE_LENGTH,
    _already_booked,
    _free_slot,
    _on_timeline,
    _open_day,
    _same_date_error,
    _tell_staff,
    _when,
    lock_booked,
    sms_petitioners,
)


def can_change_appointment(user: User, schedule: ReceptionSchedule) -> bool:
    """Who books into a schedule, and who keeps the leader's calendar, cancels and moves."""
    return can_book(user, schedule) or can_manage_schedule(user, schedule.leader)


def _locked_booked(appointment: Appointment) -> Appointment:
    locked = lock_booked(
        appointment, _("This appointment is %(status)s: it can no longer be changed.")
    )
    if locked.day.date < timezone.localdate():
        raise Conflict(
            _("The reception day %(date)s is past: record what happened instead.")
            % {"date": locked.day.date.isoformat()}
        )
    return locked


@transaction.atomic
def appointment_cancel(
    *, actor: User, appointment: Appointment, reason: str, tell_petitioners: bool = True
) -> Appointment:
    """Cancel a booked appointment: its slot and its petitioners' date are free again; the
    leader and the attending units are told in-app, the petitioners by SMS when a mobile is
    known (`tell_petitioners=False` when the caller tells them itself)."""
    schedule = appointment.day.schedule
    if not can_change_appointment(actor, schedule):
        raise NotAllowed(_("Only the reception staff of this leader may cancel an appointment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the appointment is cancelled.")]})
    if len(reason) > NOTE_LENGTH:
        raise ValidationError(
            {"reason": [_("At most %(count)d characters.") % {"count": NOTE_LENGTH}]}
        )
    locked = _locked_booked(appointment)
    locked.status = AppointmentStatus.CANCELLED
    locked.save(update_fields=["status"])
    case, day = locked.case, locked.day
    _tell_staff(
        locked,
        _("The reception of case %(case)s on %(date)s is cancelled: %(reason)s")
        % {"case": case.number, "date": day.date.isoformat(), "reason": reason},
    )
    _on_timeline(locked, actor, ReceptionEventKind.RECEPTION_CANCELLED, reason)
    if tell_petitioners:
        sms_petitioners(
            locked,
            _(
                "Your appointment with %(leader)s on %(date)s (case %(case)s) is cancelled: "
                "%(reason)s. We will contact you again."
            )
            % {
                "leader": day.schedule.leader.display_name,
                "date": day.date.isoformat(),
                "case": case.number,
                "reason": reason,
            },
        )
    # Released after the text: the text goes to the petitioners who were to come.
    AppointmentPetitioner.objects.filter(appointment=locked).update(active=False)
    return locked


@transaction.atomic
def appointment_move(
    *,
    actor: User,
    appointment: Appointment,
    date: datetime.date,
    tell_petitioners: bool = True,
) -> Appointment:
    """Move a booked appointment to another open reception day of the same schedule, into
    its next free slot (the same capacity rule as booking); its petitioners move with it.
    The leader, the attending units and (unless `tell_petitioners=False`) the petitioners
    are told."""
    schedule = appointment.day.schedule
    if not can_change_appointment(actor, schedule):
        raise NotAllowed(_("Only the reception staff of this leader may move an appointment."))
    locked = _locked_booked(appointment)
    if locked.day.date == date:
        raise ValidationError({"date": [_("Choose another day than the booked one.")]})
    day = _open_day(schedule, date)
    if Appointment.objects.filter(
        day=day, case=locked.case, status__in=ACTIVE_APPOINTMENTS
    ).exists():
        raise ValidationError(
            {
                "date": [
                    _("Case %(case)s is already booked on %(date)s.")
                    % {"case": locked.case.number, "date": date.isoformat()}
                ]
            }
        )
    people = [row.petitioner for row in locked.petitioners.select_related("petitioner")]
    _already_booked(people, date, exclude=locked)
    old_date = locked.day.date
    locked.day, locked.slot = day, _free_slot(day, schedule)
    try:
        with transaction.atomic():
            locked.save(update_fields=["day", "slot"])
            AppointmentPetitioner.objects.filter(appointment=locked, active=True).update(date=date)
    except IntegrityError:
        raise _same_date_error(date) from None
    day.schedule = schedule
    case = locked.case
    _tell_staff(
        locked,
        _("The reception of case %(case)s moves from %(old)s to %(when)s")
        % {"case": case.number, "old": old_date.isoformat(), "when": _when(locked)},
    )
    _on_timeline(
        locked,
        actor,
        ReceptionEventKind.RECEPTION_BOOKED,
        _("moved from %(old)s to %(when)s") % {"old": old_date.isoformat(), "when": _when(locked)},
        moved_from=old_date.isoformat(),
    )
    if tell_petitioners:
        sms_petitioners(
            locked,
            _("Your appointment with %(leader)s (case %(case)s) moves from %(old)s to %(when)s.")
            % {
                "leader": schedule.leader.display_name,
                "case": case.number,
                "old": old_date.isoformat(),
                "when": _when(locked),
            },
        )
    return locked
