"""Issuing the notices of an appointment (四书): once per appointment, kind and unit, each
with its number, its recipients told once. The documents themselves are generated from the
data each time (`reception.notices.documents`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import users_acting_for
from core.exceptions import Conflict, NotAllowed
from core.officialdoc import official_date
from notifications.services import notify, notify_phone

from ..kinds import ReceptionNotificationKind
from ..models import Appointment, NoticeKind, ReceptionNotice
from ..permissions import can_book
from .documents.links import notice_url
from .documents.texts import leader_name, time_window, weekday_name
from .selectors import (
    APPOINTMENT_RELATED,
    appointment_petitioners,
    attending_units,
    find_notice,
    issue_refusal,
    issued_notices,
    issuing_unit_of,
)

NOTICE_SERIES = "接访"


@transaction.atomic
def notices_issue(*, actor: User, appointment: Appointment) -> list[ReceptionNotice]:
    """Issue the notices of `appointment` that are not issued yet (the petitioner's, the
    leader's and one per attending unit), each numbered `<机关代字>接访〔year〕n号`, and tell
    their recipients: the attending units' users and the leader in the app, the petitioners
    who gave a mobile number by SMS. Issuing again creates and sends nothing; a concurrent
    second issue loses on the unique constraints and sends nothing either. Returns all the
    appointment's notices.

    Reception staff or handlers whose area holds the schedule's unit (`can_book`); the
    appointment booked, its day open and not past."""
    # The row lock makes concurrent issues of one appointment take turns.
    locked = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    appointment = Appointment.objects.select_related(*APPOINTMENT_RELATED).get(pk=locked.pk)
    schedule = appointment.day.schedule
    if not can_book(actor, schedule):
        raise NotAllowed(
            _("Only reception staff whose area holds the leader's unit may issue these notices.")
        )
    today = timezone.localdate()
    reason = issue_refusal(appointment, today)
    if reason:
        raise Conflict(reason)

    notices = issued_notices(appointment)
    wanted: list[tuple[str, OrgUnit | None]] = [
        (NoticeKind.PETITIONER, None),
        (NoticeKind.LEADER, None),
        *((NoticeKind.UNIT, unit) for unit in attending_units(appointment)),
    ]
    missing = [(kind, unit) for kind, unit in wanted if find_notice(notices, kind, unit) is None]
    if not missing:
        return notices

    office = issuing_unit_of(schedule)
    created: list[ReceptionNotice] = []
    for kind, unit in missing:
        try:
            # A savepoint: a notice someone else issued meanwhile gives its number back.
            with transaction.atomic():
                notice = ReceptionNotice.objects.create(
                    appointment=appointment,
                    kind=kind,
                    unit=unit,
                    number=next_document_number(unit=office, series=NOTICE_SERIES, year=today.year),
                    issued_by=actor,
                )
        except IntegrityError:
            continue
        notice.appointment = appointment
        created.append(notice)
    _tell_recipients(appointment, created)
    return issued_notices(appointment)


def _tell_recipients(appointment: Appointment, created: list[ReceptionNotice]) -> None:
    """In-app notifications to the leader and the attending units' users, SMS to the
    petitioners, for the notices just created."""
    if not created:
        return
    day = appointment.day
    schedule = day.schedule
    case = appointment.case
    when = f"{official_date(day.date)}（{weekday_name(day.date)}）{time_window(schedule)}"
    leader = leader_name(schedule.leader)
    unit_ids = [n.unit_id for n in created if n.kind == NoticeKind.UNIT and n.unit_id is not None]
    acting = users_acting_for(unit_ids, Role.HANDLER, Role.LEADER) if unit_ids else {}
    for notice in created:
        url = notice_url(appointment, notice.kind, notice.unit)
        if notice.kind == NoticeKind.LEADER:
            notify(
                recipients=[schedule.leader],
                kind=ReceptionNotificationKind.RECEPTION,
                title=_("Reception on %(date)s: briefing %(number)s on case %(case)s")
                % {"date": day.date.isoformat(), "number": notice.number, "case": case.number},
                body=_("You receive the petitioners of case %(case)s at %(place)s, %(when)s.")
                % {"case": case.number, "place": schedule.place, "when": when},
                case_number=case.number,
                url=url,
            )
        elif notice.kind == NoticeKind.UNIT:
            assert notice.unit_id is not None  # a unit's notice
            notify(
                recipients=acting.get(notice.unit_id, []),
                kind=ReceptionNotificationKind.RECEPTION,
                title=_("Attend %(leader)s's reception on %(date)s (case %(case)s)")
                % {"leader": leader, "date": day.date.isoformat(), "case": case.number},
                body=_(
                    "Notice %(number)s: attend with the person responsible at %(place)s, "
                    "%(when)s, and enter your preliminary opinion before the day."
                )
                % {"number": notice.number, "place": schedule.place, "when": when},
                case_number=case.number,
                url=url,
            )
        else:
            _text_petitioners(appointment, leader=leader, when=when)


def _text_petitioners(appointment: Appointment, *, leader: str, when: str) -> None:
    """The petitioner's notice by SMS to each petitioner who comes and gave a mobile number
    (`notify_phone` skips the others). The text is fixed Chinese: it goes to the petitioner,
    not to a user."""
    schedule = appointment.day.schedule
    case = appointment.case
    for petitioner in appointment_petitioners(appointment):
        notify_phone(
            phone=petitioner.phone or "",
            kind=ReceptionNotificationKind.RECEPTION,
            text=(
                f"{petitioner.name}您好：您反映的信访事项（编号{case.number}）已预约领导接访，"
                f"由{leader}同志于{when}在{schedule.place}接待。"
                "请携带本人身份证、此前收到的书面答复和有关证据材料准时到达。"
            ),
            case_number=case.number,
        )
