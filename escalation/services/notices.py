"""Supervision notices (督办通知书 / 催办): issued by a supervisor or by the deadline scan,
answered in writing by the unit addressed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import NotAllowed, ValidationError
from accounts.models import OrgUnit, User
from accounts.workcalendar import Counting, due_date
from cases.models import Case, Deadline, DeadlineKind, EventKind
from cases.services import case_event_write
from notifications.models import NotificationKind
from notifications.services import notify

from ..models import NoticeKind, SupervisionNotice
from ..permissions import can_issue_notice
from .numbering import next_document_number
from .recipients import Recipients

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
    today = timezone.localdate()
    automatic = actor is None
    if not automatic:
        if not can_issue_notice(actor, case, unit):
            raise NotAllowed(_("Only a supervisor whose area holds the case and the unit may issue a supervision notice."))
        issuing_unit = actor.org_unit
    errors = {}
    if not (content or "").strip():
        errors["content"] = [_("Say what the unit must do.")]
    if due_on <= today:
        errors["due"] = [_("The response must be due after today.")]
    if kind not in NoticeKind.values:
        errors["kind"] = [_("Choose supervision or urging.")]
    if errors:
        raise ValidationError(errors)
    number = next_document_number(unit=issuing_unit, series=NOTICE_SERIES, year=today.year)
    clock = Deadline.objects.create(
        case=case,
        kind=DeadlineKind.SUPERVISION_NOTICE,
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
        kind=EventKind.SUPERVISION_ISSUED,
        actor=actor,
        comment=notice.content,
        data={"notice": notice.number, "unit": unit.code, "due": due_on.isoformat()},
        effective_on=today,
    )
    recipients = recipients or Recipients([unit])
    notify(
        recipients=[*recipients.responsible(unit), *recipients.heads(unit)],
        kind=NotificationKind.SUPERVISION,
        title=_("Supervision notice %(number)s on case %(case)s: answer by %(due)s")
        % {"number": notice.number, "case": case.number, "due": due_on.isoformat()},
        body=notice.content,
        case_number=case.number,
        url=reverse("escalation:notice_detail", args=[notice.pk]),
        sms=True,
    )
    return notice
