"""The preliminary opinions (初步处理意见) the attending units write on a booked
appointment before the reception day, one per unit; the leader is told.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import acts_for
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from notifications.services import notify

from ...kinds import ReceptionNotificationKind
from ...models import Appointment, AppointmentStatus, PreliminaryOpinion
from .booking import _url, lock_booked


def opinion_units(user: User, appointment: Appointment) -> list[OrgUnit]:
    """The attending units of the appointment the user writes for (a handler or leader
    acting for them), their own unit first."""
    if not user.has_role(Role.HANDLER, Role.LEADER):
        return []
    units = [unit for unit in appointment.attending_units.all() if acts_for(user, unit)]
    return sorted(units, key=lambda unit: unit.pk != user.org_unit_id)


def can_write_opinion(user: User, appointment: Appointment) -> bool:
    return (
        appointment.status == AppointmentStatus.BOOKED
        and timezone.localdate() < appointment.day.date
        and bool(opinion_units(user, appointment))
    )


@transaction.atomic
def opinion_write(
    *, actor: User, appointment: Appointment, text: str, unit: OrgUnit | None = None
) -> PreliminaryOpinion:
    """Write (or rewrite) the preliminary opinion (初步处理意见) of the actor's attending unit
    on a booked appointment, before the reception day; one per unit. The leader is told."""
    units = opinion_units(actor, appointment)
    if unit is not None:
        units = [u for u in units if u.pk == unit.pk]
    if not units:
        raise NotAllowed(
            _("Only a handler or leader of a unit attending this reception may write its opinion.")
        )
    unit = units[0]
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the unit's preliminary opinion.")]})
    if len(text) > LONG_TEXT:
        raise ValidationError({"text": [_("At most %(count)d characters.") % {"count": LONG_TEXT}]})
    locked = lock_booked(
        appointment, _("This appointment is %(status)s: opinions can no longer be written.")
    )
    if timezone.localdate() >= locked.day.date:
        raise Conflict(
            _("Preliminary opinions are written before the reception day (%(date)s).")
            % {"date": locked.day.date.isoformat()}
        )
    opinion, created = PreliminaryOpinion.objects.update_or_create(
        appointment=locked, unit=unit, defaults={"text": text, "written_by": actor}
    )
    notify(
        recipients=[locked.day.schedule.leader],
        kind=ReceptionNotificationKind.RECEPTION,
        title=(
            _("%(unit)s gave its preliminary opinion on case %(case)s")
            if created
            else _("%(unit)s revised its preliminary opinion on case %(case)s")
        )
        % {"unit": unit.name, "case": locked.case.number},
        body=text,
        case_number=locked.case.number,
        url=_url("reception:appointment", locked.pk),
    )
    return opinion
