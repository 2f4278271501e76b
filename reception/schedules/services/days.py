"""One reception day of a schedule: cancel it, or replace it by another, moving or releasing
its bookings and telling the petitioners and the attending units.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_acting_for
from core.exceptions import Conflict, ValidationError
from core.workcalendar import is_workday
from notifications.services import notify

from ...appointments.services.booking import sms_petitioners
from ...appointments.services.changes import appointment_cancel, appointment_move
from ...kinds import ReceptionNotificationKind
from ...models import AppointmentStatus, DayStatus, ReceptionDay, ReceptionSchedule
from ...selectors import reception_day_on
from .schedules import _may_manage

REASON_LENGTH = 200


def _calendar_url(date: datetime.date) -> str:
    try:
        return f"{reverse('reception:calendar')}?month={date:%Y-%m}"
    except NoReverseMatch:
        return ""


def _check_move_to(
    schedule: ReceptionSchedule, date: datetime.date, move_to: datetime.date, today
) -> list[str]:
    if move_to < today:
        return [_("The replacement day cannot be in the past.")]
    if move_to == date:
        return [_("Choose another day than the cancelled one.")]
    if not is_workday(move_to):
        return [_("%(date)s is a rest day.") % {"date": move_to.isoformat()}]
    if (
        reception_day_on(schedule, move_to) is not None
        or ReceptionDay.objects.filter(schedule=schedule, date=move_to).exists()
    ):
        return [
            _("%(date)s is already a reception day of this schedule.")
            % {"date": move_to.isoformat()}
        ]
    return []


@transaction.atomic
def reception_day_cancel(
    *,
    actor: User,
    schedule: ReceptionSchedule,
    date: datetime.date,
    reason: str,
    move_to: datetime.date | None = None,
) -> ReceptionDay:
    """Cancel the schedule's open reception day on `date` (today or later) for `reason`, and
    return its row. With `move_to` (a workday to come that is not yet a reception day of the
    schedule) a replacement day is made and the booked appointments move to it; without, they
    are released. The petitioners are told by SMS when a mobile is known; the leader and the
    attending units' users in-app (they also hear of each moved or released appointment).
    Refused once someone has been received that day."""
    _may_manage(actor, schedule.leader)
    today = timezone.localdate()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the reception day is cancelled.")]
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = [_("At most %(count)d characters.") % {"count": REASON_LENGTH}]
    view = None
    if date < today:
        errors["date"] = [_("A past reception day cannot be cancelled.")]
    else:
        view = reception_day_on(schedule, date)
        if view is None:
            errors["date"] = [
                _("%(leader)s does not receive petitioners on %(date)s.")
                % {"leader": schedule.leader.display_name, "date": date.isoformat()}
            ]
    if move_to is not None:
        problems = _check_move_to(schedule, date, move_to, today)
        if problems:
            errors["move_to"] = problems
    if errors:
        raise ValidationError(errors)
    ReceptionDay.objects.get_or_create(schedule=schedule, date=date)
    # Bookings into this day queue behind this lock (appointment_book takes it too).
    day = ReceptionDay.objects.select_for_update().get(schedule=schedule, date=date)
    if day.status != DayStatus.OPEN:
        raise Conflict(
            _("The reception day %(date)s is already cancelled: %(reason)s")
            % {"date": date.isoformat(), "reason": day.reason}
        )
    appointments = list(
        day.appointments.exclude(status=AppointmentStatus.CANCELLED)
        .select_related("case", "day__schedule__leader")
        .order_by("slot")
    )
    if any(a.status != AppointmentStatus.BOOKED for a in appointments):
        raise Conflict(
            _("Petitioners have already been received on %(date)s: the day cannot be cancelled.")
            % {"date": date.isoformat()}
        )
    day.status, day.reason = DayStatus.CANCELLED, reason
    day.save(update_fields=["status", "reason"])
    leader = schedule.leader.display_name
    if move_to is not None:
        replacement = ReceptionDay.objects.create(schedule=schedule, date=move_to, replaces=day)
        when = _("%(date)s %(start)s–%(end)s at %(place)s") % {
            "date": move_to.isoformat(),
            "start": schedule.start_time.strftime("%H:%M"),
            "end": schedule.end_time.strftime("%H:%M"),
            "place": schedule.place,
        }
        for appointment in appointments:
            try:
                appointment_move(
                    actor=actor, appointment=appointment, date=move_to, tell_petitioners=False
                )
            except ValidationError as error:
                raise ValidationError({"move_to": error.messages}) from None
            sms_petitioners(
                appointment,
                _(
                    "%(leader)s's reception on %(date)s is cancelled (%(reason)s). Your "
                    "appointment (case %(case)s) moves to %(when)s."
                )
                % {
                    "leader": leader,
                    "date": date.isoformat(),
                    "reason": reason,
                    "case": appointment.case.number,
                    "when": when,
                },
            )
        title = _(
            "%(leader)s's reception day %(date)s is cancelled (%(reason)s) and replaced by %(new)s"
        ) % {"leader": leader, "date": date.isoformat(), "reason": reason, "new": when}
        day.replacement = replacement  # type: ignore[attr-defined]  # for the caller
    else:
        for appointment in appointments:
            # The text goes before the release: afterwards its petitioners are inactive.
            sms_petitioners(
                appointment,
                _(
                    "%(leader)s's reception on %(date)s is cancelled (%(reason)s). Your "
                    "appointment (case %(case)s) is released; we will contact you again."
                )
                % {
                    "leader": leader,
                    "date": date.isoformat(),
                    "reason": reason,
                    "case": appointment.case.number,
                },
            )
            appointment_cancel(
                actor=actor, appointment=appointment, reason=reason, tell_petitioners=False
            )
        title = _("%(leader)s's reception day %(date)s is cancelled (%(reason)s)") % {
            "leader": leader,
            "date": date.isoformat(),
            "reason": reason,
        }
        day.replacement = None  # type: ignore[attr-defined]
    unit_ids = list(schedule.attending_units.values_list("pk", flat=True))
    acting = users_acting_for(unit_ids, Role.HANDLER, Role.LEADER)
    recipients = [schedule.leader, *(user for users in acting.values() for user in users)]
    notify(
        recipients=[user for user in recipients if user.pk != actor.pk],
        kind=ReceptionNotificationKind.RECEPTION,
        title=title,
        body=reason,
        url=_calendar_url(move_to or date),
    )
    return day
