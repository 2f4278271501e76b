"""Reception schedules (领导接访日): set up, change, end a leader's schedule.

A schedule's days are computed, not stored (`reception.recurrence`), so a change to a schedule
that has already had days would rewrite its past. `schedule_update` therefore ends the old
version yesterday and starts a new one today (the days already held keep their time and
place); the stored days from today on go over to the new version.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, Required, TypedDict, Unpack

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.locking import lock_and_read

from ...models import (
    Appointment,
    AppointmentStatus,
    DayStatus,
    ReceptionDay,
    ReceptionSchedule,
    ScheduleKind,
)
from ...permissions import can_manage_schedule
from ...recurrence import occurrences

MAX_SLOTS = 50
PLACE_LENGTH = 200
ONE_DAY = datetime.timedelta(days=1)
# What the schedule's number fields are called, by kind (the API's field names).
NUMBERS_FIELD = {ScheduleKind.WEEKLY: "weekdays", ScheduleKind.MONTHLY: "days"}


class ScheduleSettings(TypedDict, total=False):
    """A schedule's settings, as `schedule_create` and `schedule_update` take them (the API's
    field names)."""

    kind: Required[str]
    weekdays: Sequence[int]
    days: Sequence[int]
    start_time: Required[datetime.time | None]
    end_time: Required[datetime.time | None]
    place: Required[str]
    slots: Required[Any]
    attending_units: Iterable[OrgUnit]
    valid_from: datetime.date | None
    valid_until: datetime.date | None


def schedule_settings(schedule: ReceptionSchedule) -> ScheduleSettings:
    """The schedule's settings as they are (the start of a form or an API change)."""
    return {
        "kind": schedule.kind,
        "weekdays": schedule.weekdays,
        "days": schedule.days,
        "start_time": schedule.start_time,
        "end_time": schedule.end_time,
        "place": schedule.place,
        "slots": schedule.slots,
        "attending_units": list(schedule.attending_units.all()),
        "valid_from": schedule.valid_from,
        "valid_until": schedule.valid_until,
    }


def _numbers(values: Iterable | None, low: int, high: int) -> tuple[list[int], str]:
    """The sorted numbers and an error message ('' when they are fine)."""
    values = list(values or [])
    numbers = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            return [], _("Give whole numbers from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
        numbers.append(value)
    if not numbers:
        return [], _("Choose at least one.")
    if any(not low <= number <= high for number in numbers):
        return [], _("Give whole numbers from %(low)d to %(high)d.") % {"low": low, "high": high}
    if len(set(numbers)) != len(numbers):
        return [], _("Each number once.")
    return sorted(numbers), ""


def _clean(*, actor: User, leader: User, **settings: Unpack[ScheduleSettings]) -> dict:
    """The schedule's fields checked together: every problem at once, under the API's field
    names; the clean values otherwise."""
    kind, weekdays, days = settings["kind"], settings.get("weekdays"), settings.get("days")
    start_time, end_time = settings["start_time"], settings["end_time"]
    slots, valid_until = settings["slots"], settings.get("valid_until")
    errors: dict[str, list[str]] = {}
    if not (leader.is_active and leader.has_role(Role.LEADER) and leader.org_unit_id):
        errors["leader"] = [_("%(name)s is not a leader.") % {"name": str(leader)}]
    weekly: list[int] = []
    monthly: list[int] = []
    if kind == ScheduleKind.WEEKLY:
        weekly, problem = _numbers(weekdays, 1, 7)
        if problem:
            errors["weekdays"] = [problem]
        if list(days or []):
            errors["days"] = [_("A weekly schedule has weekdays, not days of the month.")]
    elif kind == ScheduleKind.MONTHLY:
        monthly, problem = _numbers(days, 1, 31)
        if problem:
            errors["days"] = [problem]
        if list(weekdays or []):
            errors["weekdays"] = [_("A monthly schedule has days of the month, not weekdays.")]
    else:
        errors["kind"] = [_("Choose weekly or monthly.")]
    if start_time is None:
        errors["start_time"] = [_("Give the time the reception starts.")]
    if end_time is None:
        errors["end_time"] = [_("Give the time the reception ends.")]
    elif start_time is not None and end_time <= start_time:
        errors["end_time"] = [_("The reception must end after it starts.")]
    place = (settings["place"] or "").strip()
    if not place:
        errors["place"] = [_("Say where the leader receives.")]
    elif len(place) > PLACE_LENGTH:
        errors["place"] = [_("At most %(count)d characters.") % {"count": PLACE_LENGTH}]
    if isinstance(slots, bool) or not isinstance(slots, int) or not 1 <= slots <= MAX_SLOTS:
        errors["slots"] = [_("Give from 1 to %(count)d slots.") % {"count": MAX_SLOTS}]
    units = list(dict.fromkeys(settings.get("attending_units") or []))
    outside = [unit for unit in units if not (unit.is_active and unit_in_scope(actor, unit))]
    if outside:
        errors["attending_units"] = [
            _("%(unit)s is not a unit of your area.") % {"unit": unit.name} for unit in outside
        ]
    valid_from = settings.get("valid_from") or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("The schedule cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "weekdays": weekly,
        "days": monthly,
        "start_time": start_time,
        "end_time": end_time,
        "place": place,
        "slots": slots,
        "attending_units": units,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def schedule_problems(**values) -> dict[str, list[str]]:
    """What `schedule_create` would refuse in these values, by field (none: `{}`), for a form
    that shows every problem at once; the keyword arguments are `_clean`'s."""
    try:
        _clean(**values)
    except ValidationError as error:
        return error.message_dict
    return {}


def _may_manage(actor: User, leader: User) -> None:
    if not can_manage_schedule(actor, leader):
        raise NotAllowed(
            _(
                "Only the leader or the reception staff of the leader's area may manage the "
                "leader's reception schedule."
            )
        )


@transaction.atomic
def schedule_create(
    *, actor: User, leader: User, **settings: Unpack[ScheduleSettings]
) -> ReceptionSchedule:
    """A leader's recurring reception days: weekly on ISO `weekdays` (1 = Monday) or monthly
    on `days` of the month, from `valid_from` (today when not given), until `valid_until`
    (open-ended when not given). The schedule belongs to the leader's unit: its area sees the
    days."""
    _may_manage(actor, leader)
    clean = _clean(actor=actor, leader=leader, **settings)
    units = clean.pop("attending_units")
    assert leader.org_unit is not None  # `_clean` refuses a leader without a unit
    schedule = ReceptionSchedule.objects.create(
        leader=leader, unit=leader.org_unit, created_by=actor, **clean
    )
    schedule.attending_units.set(units)
    return schedule


def _check_stored_days(
    schedule: ReceptionSchedule, clean: dict, since: datetime.date, start: datetime.date
) -> None:
    """Refuse a change that would drop a day with bookings (from `since` on) or the slot of
    one of them; the new settings apply from `start`."""
    booked = list(
        Appointment.objects.filter(
            day__schedule=schedule,
            day__date__gte=since,
            status=AppointmentStatus.BOOKED,
        )
        .values("day__date", "day__replaces")
        .annotate(last_slot=Max("slot"))
        .order_by("day__date")
    )
    if not booked:
        return
    kind = clean["kind"]
    numbers = clean["weekdays"] if kind == ScheduleKind.WEEKLY else clean["days"]
    last = booked[-1]["day__date"]
    until = clean["valid_until"]
    computed = {
        o.date for o in occurrences(kind, numbers, start, last) if until is None or o.date <= until
    }
    lost, crowded = [], []
    for row in booked:
        date = row["day__date"]
        if row["day__replaces"] is None and date not in computed:
            lost.append(date.isoformat())
        elif row["last_slot"] > clean["slots"]:
            crowded.append(date.isoformat())
    errors = {}
    if lost:
        errors[NUMBERS_FIELD[kind]] = [
            _(
                "Petitioners are booked on %(dates)s, which would no longer be a reception "
                "day: cancel or move that day first."
            )
            % {"dates": ", ".join(lost)}
        ]
    if crowded:
        errors["slots"] = [
            _("Slots beyond that number are booked on %(dates)s.") % {"dates": ", ".join(crowded)}
        ]
    if errors:
        raise ValidationError(errors)


def _lock(schedule: ReceptionSchedule) -> ReceptionSchedule:
    return lock_and_read(
        ReceptionSchedule.objects.select_related("leader", "leader__org_unit", "unit"), schedule.pk
    )


@transaction.atomic
def schedule_update(
    *, actor: User, schedule: ReceptionSchedule, **settings: Unpack[ScheduleSettings]
) -> ReceptionSchedule:
    """Change a schedule from today on, under the rules of `schedule_create`, and return the
    schedule now in force. One that has not started yet is changed in place. One that has
    already had days ends yesterday and a new version starts today (or at a later
    `valid_from`), so the days already held keep their time and place; its stored days from
    then on (bookings, cancellations, replacement days) go over to the new version. A change
    that would drop a booked day or a booked slot is refused: cancel or move that day first.
    Ending a schedule is `schedule_deactivate`."""
    schedule = _lock(schedule)
    _may_manage(actor, schedule.leader)
    if not schedule.is_active:
        raise Conflict(_("This schedule was ended; set up a new one."))
    today = timezone.localdate()
    started = schedule.valid_from < today
    valid_from = settings.get("valid_from")
    if valid_from == schedule.valid_from or valid_from is None:
        settings["valid_from"] = schedule.valid_from if not started else today
    elif valid_from < today:
        raise ValidationError({"valid_from": [_("A change applies from today on.")]})
    clean = _clean(actor=actor, leader=schedule.leader, **settings)
    valid_until = clean["valid_until"]
    if valid_until is not None and valid_until < today:
        raise ValidationError(
            {"valid_until": [_("To end the schedule before today, end it now instead.")]}
        )
    units = clean.pop("attending_units")
    current: dict = dict(schedule_settings(schedule))
    same_units = {u.pk for u in units} == {u.pk for u in current.pop("attending_units")}
    current.update(
        weekdays=sorted(schedule.weekdays),
        days=sorted(schedule.days),
        valid_from=schedule.valid_from if not started else today,
    )
    changed = {name for name in current if clean[name] != current[name]}
    if not changed and same_units:
        return schedule
    effective = clean["valid_from"]
    _check_stored_days(schedule, clean, effective if started else today, effective)
    if not started or (same_units and changed == {"valid_until"}):
        if started:
            clean = {"valid_until": clean["valid_until"]}
        for name, value in clean.items():
            setattr(schedule, name, value)
        schedule.save(update_fields=list(clean))
        schedule.attending_units.set(units)
        return schedule
    successor = ReceptionSchedule.objects.create(
        leader=schedule.leader, unit=schedule.unit, created_by=actor, **clean
    )
    successor.attending_units.set(units)
    ReceptionDay.objects.filter(schedule=schedule, date__gte=effective).update(schedule=successor)
    end = effective - ONE_DAY
    if schedule.valid_until is None or end < schedule.valid_until:
        schedule.valid_until = end
        schedule.save(update_fields=["valid_until"])
    return successor


@transaction.atomic
def schedule_deactivate(*, actor: User, schedule: ReceptionSchedule) -> ReceptionSchedule:
    """End a schedule: it has no reception days from today on (the days already held stay on
    the calendar with their records). Refused while petitioners are booked on a coming day:
    cancel or move those days first."""
    schedule = _lock(schedule)
    _may_manage(actor, schedule.leader)
    today = timezone.localdate()
    booked = sorted(
        {
            date.isoformat()
            for date in Appointment.objects.filter(
                day__schedule=schedule,
                day__date__gte=today,
                status=AppointmentStatus.BOOKED,
            ).values_list("day__date", flat=True)
        }
    )
    if booked:
        raise Conflict(
            _("Petitioners are booked on %(dates)s: cancel or move those days first.")
            % {"dates": ", ".join(booked)}
        )
    if not schedule.is_active or (schedule.valid_until and schedule.valid_until < today):
        return schedule
    # Replacement days to come would still show: they end with the schedule.
    ReceptionDay.objects.filter(
        schedule=schedule, date__gte=today, status=DayStatus.OPEN, replaces__isnull=False
    ).update(status=DayStatus.CANCELLED, reason=_("The schedule was ended."))
    if schedule.valid_from >= today:
        schedule.is_active = False
        schedule.save(update_fields=["is_active"])
    else:
        schedule.valid_until = today - ONE_DAY
        schedule.save(update_fields=["valid_until"])
    return schedule
