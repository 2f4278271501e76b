"""Booking an appointment (约访): reception staff book a case into a slot of a leader's
reception day; and the helpers that changing a booking (`changes`) shares with it.

Capacity holds under concurrent booking: the day's row is created if need be and then locked
(`select_for_update`), so that two clerks booking the last slot at the same moment are
served one after the other and the second finds it taken. One petitioner is never booked
twice on one date, whichever the leader: the unique constraint on `AppointmentPetitioner`
guarantees it, the service turns a violation into a field error.

The case's timeline shows the booking (and the moves and cancellations, `_on_timeline`);
the reception record (reception/records/services.py) writes what the leader decided.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import users_acting_for
from cases.models import CLOSED_STATUSES, Case
from cases.selectors import cases_visible_to
from cases.selectors.accusations import accuses, not_accused
from cases.services import case_event_write
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.locking import lock_and_read
from notifications.services import notify, notify_phone
from petitions.models import Petitioner

from ...kinds import ReceptionEventKind, ReceptionNotificationKind
from ...models import (
    ACTIVE_APPOINTMENTS,
    Appointment,
    AppointmentPetitioner,
    AppointmentStatus,
    DayStatus,
    ReceptionDay,
    ReceptionSchedule,
)
from ...notices.selectors import appointment_petitioners
from ...permissions import can_book
from ...selectors import reception_day_on
from ..selectors import case_attending_units, case_parties, principal_of, slot_time

NOTE_LENGTH = 200


@dataclass
class Booking:
    """A booked appointment and what the clerk should know about it (not refusals)."""

    appointment: Appointment
    warnings: list[str] = field(default_factory=list)


def lock_booked(appointment: Appointment, refusal: str) -> Appointment:
    """The appointment locked and read afresh; `Conflict(refusal)` (its `%(status)s` the
    appointment's) unless it is still booked."""
    locked = lock_and_read(
        Appointment.objects.select_related("day__schedule__leader", "case"), appointment.pk
    )
    if locked.status != AppointmentStatus.BOOKED:
        raise Conflict(refusal % {"status": locked.get_status_display()})
    return locked


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def booking_warnings(*, case: Case, schedule: ReceptionSchedule) -> list[str]:
    """What the clerk is told before booking `case` with `schedule`'s leader: that another
    leader sponsors the case (包案)."""
    warnings = []
    leader = case.sponsoring_leader
    if leader is not None and leader.pk != schedule.leader_id:
        warnings.append(
            _(
                "Case %(case)s is sponsored by %(sponsor)s, not by %(leader)s: check that the "
                "petitioner should see this leader."
            )
            % {
                "case": case.number,
                "sponsor": leader.display_name,
                "leader": schedule.leader.display_name,
            }
        )
    return warnings


def _open_day(schedule: ReceptionSchedule, date: datetime.date, field_name: str = "date"):
    """The locked, open day row of `schedule` on `date` (created if need be), or an error."""
    today = timezone.localdate()
    if date < today:
        raise ValidationError({field_name: [_("The reception day cannot be in the past.")]})
    view = reception_day_on(schedule, date)
    if view is None:
        raise ValidationError(
            {
                field_name: [
                    _("%(leader)s does not receive petitioners on %(date)s.")
                    % {"leader": schedule.leader.display_name, "date": date.isoformat()}
                ]
            }
        )
    if not view.is_open:
        raise Conflict(
            _("The reception day %(date)s is cancelled: %(reason)s")
            % {"date": date.isoformat(), "reason": view.reason or _("no reason given")}
        )
    ReceptionDay.objects.get_or_create(schedule=schedule, date=date)
    # Everyone who books into this day queues here: the count below is then exact.
    day = ReceptionDay.objects.select_for_update().get(schedule=schedule, date=date)
    if day.status != DayStatus.OPEN:
        raise Conflict(
            _("The reception day %(date)s is cancelled: %(reason)s")
            % {"date": date.isoformat(), "reason": day.reason or _("no reason given")}
        )
    return day


def _free_slot(day: ReceptionDay, schedule: ReceptionSchedule) -> int:
    taken = set(
        Appointment.objects.filter(day=day, status__in=ACTIVE_APPOINTMENTS).values_list(
            "slot", flat=True
        )
    )
    for slot in range(1, schedule.slots + 1):
        if slot not in taken:
            return slot
    raise Conflict(
        _("No free slot on %(date)s with %(leader)s: all %(slots)d are booked.")
        % {
            "date": day.date.isoformat(),
            "leader": schedule.leader.display_name,
            "slots": schedule.slots,
        }
    )


def _chosen_petitioners(case: Case, petitioners) -> list[Petitioner]:
    parties = case_parties(case)
    if petitioners is None or len(petitioners) == 0:
        principal = principal_of(parties)
        if principal is None:
            raise ValidationError({"petitioners": [_("The case has no petitioner to invite.")]})
        return [principal.petitioner]
    ids = []
    for item in petitioners:
        pk = item.pk if isinstance(item, Petitioner) else item
        if pk not in ids:
            ids.append(pk)
    by_id = {party.petitioner_id: party.petitioner for party in parties}
    if any(pk not in by_id for pk in ids):
        raise ValidationError(
            {"petitioners": [_("Choose only petitioners registered on this case.")]}
        )
    most = settings.GROUP_MAX_REPRESENTATIVES
    if len(ids) > most:
        raise ValidationError(
            {"petitioners": [_("A group sends at most %(most)d representatives.") % {"most": most}]}
        )
    return [by_id[pk] for pk in ids]


def _already_booked(people: list[Petitioner], date: datetime.date, exclude=None) -> None:
    """A readable error when one of `people` is already booked on `date` (the constraint
    stays the guarantee)."""
    bookings = AppointmentPetitioner.objects.filter(
        petitioner__in=people, date=date, active=True
    ).select_related("appointment__day__schedule__leader")
    if exclude is not None:
        bookings = bookings.exclude(appointment=exclude)
    taken = list(bookings)
    if taken:
        names = {p.pk: p.name for p in people}
        raise ValidationError(
            {
                "petitioners": [
                    _("%(name)s is already booked on %(date)s (with %(leader)s).")
                    % {
                        "name": names.get(row.petitioner_id, ""),
                        "date": date.isoformat(),
                        "leader": row.appointment.day.schedule.leader.display_name,
                    }
                    for row in taken
                ]
            }
        )


def _same_date_error(date: datetime.date) -> ValidationError:
    return ValidationError(
        {
            "petitioners": [
                _("A petitioner of this appointment is already booked on %(date)s.")
                % {"date": date.isoformat()}
            ]
        }
    )


def _attending(case: Case, chosen) -> list[OrgUnit]:
    """The attending units chosen (rows or ids; None: the case's own), active and not
    accused by the case (Art. 30)."""
    if chosen is None:
        return case_attending_units(case)
    ids = [unit.pk if isinstance(unit, OrgUnit) else unit for unit in chosen]
    units = list(OrgUnit.objects.filter(pk__in=ids, is_active=True).order_by("code"))
    if len(units) != len(set(ids)):
        raise ValidationError({"attending_units": [_("No such unit.")]})
    accused = [unit for unit in units if unit not in not_accused(case, units)]
    if accused:
        raise ValidationError(
            {
                "attending_units": [
                    _("The matter accuses %(unit)s: it cannot attend this reception.")
                    % {"unit": accused[0].name}
                ]
            }
        )
    return units


def _attending_users(appointment: Appointment) -> list[User]:
    unit_ids = [unit.pk for unit in appointment.attending_units.all()]
    acting = users_acting_for(unit_ids, Role.HANDLER, Role.LEADER)
    return [user for users in acting.values() for user in users]


def _tell_staff(appointment: Appointment, title: str, body: str = "") -> None:
    schedule = appointment.day.schedule
    notify(
        recipients=[schedule.leader, *_attending_users(appointment)],
        kind=ReceptionNotificationKind.RECEPTION,
        title=title,
        body=body,
        case_number=appointment.case.number,
        url=_url("reception:appointment", appointment.pk),
    )


def sms_petitioners(appointment: Appointment, text: str) -> None:
    """A text message to each petitioner who comes to the appointment (the active ones);
    `notify_phone` skips those without a mobile number."""
    for petitioner in appointment_petitioners(appointment):
        notify_phone(
            phone=petitioner.phone or "",
            kind=ReceptionNotificationKind.RECEPTION,
            text=text,
            case_number=appointment.case.number,
        )


def _when(appointment: Appointment) -> str:
    day = appointment.day
    schedule = day.schedule
    return _("%(date)s %(time)s at %(place)s") % {
        "date": day.date.isoformat(),
        "time": slot_time(schedule, appointment.slot).strftime("%H:%M"),
        "place": schedule.place,
    }


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    case: Case,
    schedule: ReceptionSchedule,
    date: datetime.date,
    petitioners=None,
    note: str = "",
    attending_units=None,
) -> Booking:
    """Book `case` into the next free slot of `schedule`'s reception day on `date`, with
    `petitioners` (ids or Petitioner rows of the case's parties, at most five for a group;
    by default the principal petitioner of the first petition) and `attending_units` (by
    default the case's: `case_attending_units`; the schedule's usual attending units come
    too). The leader and the attending units' users are told in-app. Warnings (another
    leader sponsors the case) come back with the booking; refusals are raised: `NotAllowed`,
    `ValidationError` by field (`case`, `date`, `petitioners`, `note`, `attending_units`),
    `Conflict` (cancelled day, no free slot)."""
    if not can_book(actor, schedule):
        raise NotAllowed(
            _("Only reception staff whose area holds %(leader)s's unit may book this leader.")
            % {"leader": schedule.leader.display_name}
        )
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": [_("No such case.")]})
    leader_unit = schedule.leader.org_unit
    if leader_unit is not None and accuses(case, leader_unit):
        # Art. 30: the accused never sees the accusation, nor receives its petitioner on it.
        raise ValidationError(
            {
                "schedule": [
                    _("The matter accuses %(unit)s: %(leader)s cannot receive it.")
                    % {"unit": leader_unit.name, "leader": schedule.leader.display_name}
                ]
            }
        )
    if case.status in CLOSED_STATUSES:
        raise ValidationError(
            {
                "case": [
                    _("Case %(case)s is closed (%(status)s): it cannot be booked.")
                    % {"case": case.number, "status": case.get_status_display()}
                ]
            }
        )
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError(
            {"note": [_("At most %(count)d characters.") % {"count": NOTE_LENGTH}]}
        )
    people = _chosen_petitioners(case, petitioners)
    units = _attending(case, attending_units)
    day = _open_day(schedule, date)
    if Appointment.objects.filter(day=day, case=case, status__in=ACTIVE_APPOINTMENTS).exists():
        raise ValidationError(
            {
                "case": [
                    _("Case %(case)s is already booked on %(date)s with %(leader)s.")
                    % {
                        "case": case.number,
                        "date": date.isoformat(),
                        "leader": schedule.leader.display_name,
                    }
                ]
            }
        )
    _already_booked(people, date)
    slot = _free_slot(day, schedule)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                day=day, case=case, slot=slot, booked_by=actor, note=note
            )
    except IntegrityError:
        # Only if the day's lock were bypassed: the constraints keep slot and case once.
        raise Conflict(
            _("The slot was just taken on %(date)s: try again.") % {"date": date.isoformat()}
        ) from None
    try:
        with transaction.atomic():
            AppointmentPetitioner.objects.bulk_create(
                AppointmentPetitioner(appointment=appointment, petitioner=person, date=date)
                for person in people
            )
    except IntegrityError:
        # Booked for the same date by someone else meanwhile (another leader's day).
        raise _same_date_error(date) from None
    # The schedule's usual attending units come to every reception of it.
    appointment.attending_units.set([*schedule.attending_units.all(), *units])
    appointment.day = day
    day.schedule = schedule
    _tell_staff(
        appointment,
        _("Case %(case)s is booked for reception by %(leader)s on %(when)s")
        % {"case": case.number, "leader": schedule.leader.display_name, "when": _when(appointment)},
        body=case.summary,
    )
    _on_timeline(appointment, actor, ReceptionEventKind.RECEPTION_BOOKED, _when(appointment))
    return Booking(appointment=appointment, warnings=booking_warnings(case=case, schedule=schedule))


def _on_timeline(appointment: Appointment, actor: User, kind: str, comment: str, **data) -> None:
    """The case's timeline shows its reception appointments (booked, moved, cancelled)."""
    schedule = appointment.day.schedule
    case_event_write(
        case=appointment.case,
        kind=kind,
        actor=actor,
        comment=f"{schedule.leader.display_name} · {comment}",
        data={
            "appointment": appointment.pk,
            "leader": schedule.leader.username,
            "date": appointment.day.date.isoformat(),
            **data,
        },
    )
