"""The parts of the case detail, formatted once in Python: petitions, clocks, timeline."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity import mask_id_number, mask_phone
from core.pages import DaysLeft, day_text, person_name

from ..models import (
    Case,
)


@dataclass(frozen=True)
class Party:
    name: str
    role: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class PetitionInfo:
    number: str
    url: str
    received_at: str
    channel: str
    category: str
    summary: str
    parties: list[Party] = field(default_factory=list)


def petition_infos(case: Case) -> list[PetitionInfo]:
    """The case's petitions with their parties; ID numbers and phones masked."""
    petitions = (
        case.petitions.select_related("category__parent")
        .prefetch_related("parties__petitioner")
        .order_by("received_at", "pk")
    )
    return [
        PetitionInfo(
            number=petition.number,
            url=reverse("petitions:detail", args=[petition.number]),
            received_at=f"{timezone.localtime(petition.received_at):%Y-%m-%d %H:%M}",
            channel=petition.get_channel_display(),
            category=str(petition.category),
            summary=petition.summary,
            parties=[
                Party(
                    name=party.name,
                    role=party.get_role_display(),
                    id_number=mask_id_number(party.petitioner.id_number),
                    phone=mask_phone(party.phone),
                )
                for party in petition.parties.all()
            ],
        )
        for petition in petitions
    ]


@dataclass(frozen=True)
class ClockRow:
    kind: str
    unit: str
    starts_on: str
    due_on: str
    # The due date depends on a day of a provisional calendar year: it may still move.
    due_provisional: bool
    days_left: DaysLeft | None
    met_on: str
    in_time: bool | None
    lapsed: bool
    extended_days: int
    paused_days: int


def clock_rows(case: Case, today: datetime.date) -> list[ClockRow]:
    rows = []
    for clock in case.deadlines.all():
        kind = clock.get_kind_display()
        if clock.assignment_id:
            kind = f"{kind} · {clock.responsible_unit.name}"
        rows.append(
            ClockRow(
                kind=kind,
                unit=clock.responsible_unit.name,
                starts_on=day_text(clock.starts_on),
                due_on=day_text(clock.due_on),
                due_provisional=clock.due_provisional and clock.is_open,
                days_left=DaysLeft.until(clock.due_on, today) if clock.is_open else None,
                met_on=day_text(clock.met_on),
                in_time=clock.met_in_time,
                lapsed=clock.lapsed,
                extended_days=clock.extended_days,
                paused_days=clock.paused_days,
            )
        )
    return rows


@dataclass(frozen=True)
class EventRow:
    kind: str
    label: str
    effective_on: str
    entered_at: str
    actor: str
    unit: str
    old_status: str
    new_status: str
    comment: str


def online_actor(event) -> str:
    """Who took a step no staff member took: the petitioner on the public portal (网上信访)."""
    return _("the petitioner online") if (event.data or {}).get("online") else ""


def timeline_rows(case: Case) -> list[EventRow]:
    rows = []
    for event in case.events.all():
        entered = timezone.localtime(event.created_at)
        rows.append(
            EventRow(
                kind=event.kind,
                label=event.get_kind_display(),
                effective_on=day_text(event.effective_on),
                entered_at=(
                    f"{entered:%Y-%m-%d %H:%M}" if entered.date() != event.effective_on else ""
                ),
                actor=person_name(event.actor) or online_actor(event),
                unit=event.actor_unit.name if event.actor_unit else "",
                old_status=event.get_old_status_display() if event.old_status else "",
                new_status=(
                    event.get_new_status_display()
                    if event.new_status and event.new_status != event.old_status
                    else ""
                ),
                comment=event.comment,
            )
        )
    return rows
