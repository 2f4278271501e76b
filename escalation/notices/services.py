"""Supervision notices (督办通知书 / 催办): issued by a supervisor or by the deadline scan,
answered in writing by the unit addressed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import government_id_of, users_acting_for
from cases.models import Case, Deadline
from cases.selectors.accusations import accuses
from cases.services import case_event_write, deadline_start
from cases.services.core import case_lock, clock_meet
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.locking import lock_and_read
from core.workcalendar import Counting, due_date
from notifications.services import notify

from ..kinds import EscalationDeadlineKind, EscalationEventKind, EscalationNotificationKind
from ..models import NoticeKind, SupervisionNotice
from ..permissions import can_issue_notice, can_respond_to_notice
from ..recipients import Recipients

NOTICE_SERIES = "督"


def automatic_response_due(on: datetime.date) -> datetime.date:
    return due_date(on, settings.SUPERVISION_RESPONSE_WORKDAYS, Counting.WORKDAYS)


@transaction.atomic
def supervision_notice_issue(
    *,
    actor: User | None,
    case: Case,
    unit: OrgUnit,
    due_on: datetime.date,
    content: str,
    kind: str = NoticeKind.SUPERVISE,
    issuing_unit: OrgUnit | None = None,
    source_deadline: Deadline | None = None,
    recipients: Recipients | None = None,
) -> SupervisionNotice:
    """Issue a notice to `unit` on `case`, its response due on `due_on`, with a clock of its
    own, a timeline event and the unit's users notified. `actor=None` is the deadline scan
    (an automatic notice, issued in the name of `issuing_unit`)."""
    case = case_lock(case)
    today = timezone.localdate()
    automatic = actor is None
    if actor is not None:
        if not can_issue_notice(actor, case, unit):
            raise NotAllowed(
                _(
                    "Only a supervisor whose area holds the case and the unit may issue a "
                    "supervision notice."
                )
            )
        issuing_unit = actor.org_unit
    errors = {}
    if not (content or "").strip():
        errors["content"] = [_("Say what the unit must do.")]
    if due_on <= today:
        errors["due"] = [_("The response must be due after today.")]
    if kind not in NoticeKind.values:
        errors["kind"] = [_("Choose supervision or urging.")]
    if accuses(case, unit):
        # Art. 30: the accused never sees the accusation, so it cannot be asked to answer it.
        errors["unit"] = [_("The case accuses this unit: it may not be sent a notice on it.")]
    if errors:
        raise ValidationError(errors)
    # The scan names its unit; an actor issues in the name of theirs (`can_issue_notice`).
    assert issuing_unit is not None
    number = next_document_number(unit=issuing_unit, series=NOTICE_SERIES, year=today.year)
    clock = deadline_start(
        case=case,
        kind=EscalationDeadlineKind.SUPERVISION_NOTICE,
        responsible_unit=unit,
        starts_on=today,
        due_on=due_on,
    )
    notice = SupervisionNotice.objects.create(
        number=number,
        case=case,
        unit=unit,
        kind=kind,
        content=content.strip(),
        issued_on=today,
        due_on=due_on,
        issuing_unit=issuing_unit,
        issued_by=actor,
        automatic=automatic,
        source_deadline=source_deadline,
        deadline=clock,
    )
    case_event_write(
        case=case,
        kind=EscalationEventKind.SUPERVISION_ISSUED,
        actor=actor,
        comment=notice.content,
        data={"notice": notice.number, "unit": unit.code, "due": due_on.isoformat()},
        effective_on=today,
    )
    recipients = recipients or Recipients([unit])
    notify(
        recipients=[*recipients.responsible(unit), *recipients.heads(unit)],
        kind=EscalationNotificationKind.SUPERVISION,
        title=_("Supervision notice %(number)s on case %(case)s: answer by %(due)s")
        % {"number": notice.number, "case": case.number, "due": due_on.isoformat()},
        body=notice.content,
        case_number=case.number,
        url=reverse("escalation:notice_detail", args=[notice.pk]),
        sms=True,
    )
    return notice


def _issuer_recipients(notice: SupervisionNotice) -> list[User]:
    """Who hears of the response: the supervisor who issued the notice; for an automatic
    notice, the supervisors of the issuing unit (and of the government it belongs to, for a
    petition office)."""
    if notice.issued_by is not None and notice.issued_by.is_active:
        return [notice.issued_by]
    unit = notice.issuing_unit
    acting = users_acting_for({unit.pk, government_id_of(unit)}, Role.SUPERVISOR)
    return [user for users in acting.values() for user in users]


@transaction.atomic
def supervision_notice_respond(
    *,
    actor: User,
    notice: SupervisionNotice,
    response: str,
    on: datetime.date | None = None,
) -> SupervisionNotice:
    """The addressed unit answers the notice in writing, once: the notice closes, its clock
    is met on the day of the response (`on`, for a paper answer entered later: not in the
    future, not before the notice was issued), the case's timeline records it and the issuer
    is told."""
    locked = lock_and_read(
        SupervisionNotice.objects.select_related(
            "case", "unit", "issuing_unit", "issued_by", "deadline"
        ),
        notice.pk,
    )
    if not can_respond_to_notice(actor, locked.unit):
        raise NotAllowed(
            _("Only a handler or leader of %(unit)s may answer this notice.")
            % {"unit": locked.unit.name}
        )
    if locked.responded_on is not None:
        raise Conflict(
            _("Notice %(number)s was already answered on %(date)s.")
            % {"number": locked.number, "date": locked.responded_on.isoformat()}
        )
    errors = {}
    text = (response or "").strip()
    if not text:
        errors["response"] = [_("Write the unit's response.")]
    today = timezone.localdate()
    day = on or today
    if day > today:
        errors["date"] = [_("The date cannot be in the future.")]
    elif day < locked.issued_on:
        errors["date"] = [
            _("The date cannot be before the notice was issued (%(date)s).")
            % {"date": locked.issued_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)

    # The row lock makes this the only answer; the condition keeps it so on any database.
    answered = SupervisionNotice.objects.filter(pk=locked.pk, responded_on__isnull=True).update(
        response=text, responded_on=day, responded_by=actor
    )
    if answered != 1:
        raise Conflict(_("Notice %(number)s was already answered.") % {"number": locked.number})
    locked.response, locked.responded_on, locked.responded_by = text, day, actor
    clock = clock_meet(locked.deadline, day) if locked.deadline_id else None
    case = locked.case
    case_event_write(
        case=case,
        kind=EscalationEventKind.SUPERVISION_ANSWERED,
        actor=actor,
        comment=text,
        data={
            "notice": locked.number,
            "unit": locked.unit.code,
            "on_time": clock.met_in_time if clock else day <= locked.due_on,
        },
        effective_on=day,
    )
    notify(
        recipients=_issuer_recipients(locked),
        kind=EscalationNotificationKind.SUPERVISION,
        title=_("%(unit)s answered supervision notice %(number)s on case %(case)s")
        % {"unit": locked.unit.name, "number": locked.number, "case": case.number},
        body=text,
        case_number=case.number,
        url=reverse("escalation:notice_detail", args=[locked.pk]),
    )
    return locked
