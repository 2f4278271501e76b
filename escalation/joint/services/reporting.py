"""A joint supervision's progress: each party reports progress and completion; the
supervision closes once all five are done and the case has been answered (at the last
report, or by the periodic scan when the answer comes after it).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import ANSWERED_STATUSES, Case, Reply, ReplyStatus
from cases.services import case_event_write
from cases.services.core import clock_meet
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.locking import lock_and_read
from notifications.services import notify

from ...kinds import EscalationEventKind, EscalationNotificationKind
from ...models import JointParty, JointReport, JointStatus, JointSupervision, PartyRole
from ...permissions import can_report_for_party
from .opening import _detail_url, _party_people


def case_answered(case: Case) -> bool:
    """Whether the petitioner has had the answer: a reply delivered, and no review of it
    pending."""
    return (
        case.status in ANSWERED_STATUSES
        and Reply.objects.filter(case=case, status=ReplyStatus.DELIVERED).exists()
    )


def _supervision_lock(supervision: JointSupervision) -> JointSupervision:
    return lock_and_read(
        JointSupervision.objects.select_related("case", "opened_by"), supervision.pk
    )


def _effective_day(supervision: JointSupervision, on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if on < supervision.opened_on:
        raise ValidationError(
            {
                "date": _("The date cannot be before the supervision was opened (%(date)s).")
                % {"date": supervision.opened_on.isoformat()}
            }
        )
    return on


@transaction.atomic
def joint_party_report(
    *,
    actor: User,
    supervision: JointSupervision,
    role: str,
    content: str,
    done: bool,
    on: datetime.date | None = None,
) -> JointReport:
    """A party reports progress on its task, or (`done`) its completion: the party's clock
    stops. Only users acting for the party's unit report for it. The opener and the tracking
    party are told; the supervision closes if this was the last party and the case has been
    answered."""
    supervision = _supervision_lock(supervision)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Choose one of the five duties.")})
    party = (
        JointParty.objects.select_related("unit", "deadline")
        .filter(supervision=supervision, role=role)
        .first()
    )
    if party is None:
        raise ValidationError({"role": _("This supervision has no such party.")})
    if not can_report_for_party(actor, party.unit):
        raise NotAllowed(_("Only %(unit)s reports for this party.") % {"unit": party.unit.name})
    if supervision.status != JointStatus.OPEN:
        raise Conflict(
            _("Joint supervision %(number)s is closed.") % {"number": supervision.number}
        )
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Say what has been done.")})
    if done and party.done_on is not None:
        raise Conflict(
            _(
                "%(role)s already reported its task complete on %(date)s; report progress "
                "without marking it complete."
            )
            % {"role": party.get_role_display(), "date": party.done_on.isoformat()}
        )
    day = _effective_day(supervision, on)
    report = JointReport.objects.create(
        party=party, content=content, done=bool(done), reported_on=day, reported_by=actor
    )
    if done:
        party.done_on = day
        party.save(update_fields=["done_on"])
        clock_meet(party.deadline, day)
    case = supervision.case
    case_event_write(
        case=case,
        kind=EscalationEventKind.JOINT_REPORTED,
        actor=actor,
        comment=content,
        data={
            "supervision": supervision.number,
            "role": role,
            "unit": party.unit.code,
            "done": bool(done),
        },
        effective_on=day,
    )
    tracking = [
        p.unit for p in supervision.parties.select_related("unit") if p.role == PartyRole.TRACKING
    ]
    recipients = [supervision.opened_by, *_party_people(tracking)]
    if done:
        title = _("Joint supervision %(number)s: %(unit)s (%(role)s) reports its task complete.")
    else:
        title = _("Joint supervision %(number)s: %(unit)s (%(role)s) reports progress.")
    notify(
        recipients=[user for user in recipients if user.pk != actor.pk],
        kind=EscalationNotificationKind.JOINT_SUPERVISION,
        title=title
        % {"number": supervision.number, "unit": party.unit.name, "role": party.get_role_display()},
        body=content,
        case_number=case.number,
        url=_detail_url(supervision),
    )
    if done:
        _close_if_complete(supervision, day)
    return report


def _all_done(supervision: JointSupervision) -> bool:
    return not supervision.parties.filter(done_on__isnull=True).exists()


def _close_if_complete(supervision: JointSupervision, day: datetime.date) -> bool:
    """Close the (locked) supervision if all five parties are done and the case has been
    answered; whether it closed."""
    if supervision.status != JointStatus.OPEN:
        return False
    if not _all_done(supervision) or not case_answered(supervision.case):
        return False
    supervision.status = JointStatus.CLOSED
    supervision.closed_on = day
    supervision.save(update_fields=["status", "closed_on"])
    case_event_write(
        case=supervision.case,
        kind=EscalationEventKind.JOINT_CLOSED,
        actor=None,
        comment=_(
            "Joint supervision %(number)s closed: all five parties have completed their "
            "tasks and the case has been answered."
        )
        % {"number": supervision.number},
        data={"supervision": supervision.number},
        effective_on=day,
    )
    units = [party.unit for party in supervision.parties.select_related("unit")]
    notify(
        recipients=[supervision.opened_by, *_party_people(units)],
        kind=EscalationNotificationKind.JOINT_SUPERVISION,
        title=_("Joint supervision %(number)s on case %(case)s is closed.")
        % {"number": supervision.number, "case": supervision.case.number},
        case_number=supervision.case.number,
        url=_detail_url(supervision),
    )
    return True


def joint_supervisions_close_answered(*, today: datetime.date | None = None) -> int:
    """Close every open joint supervision whose five parties are all done and whose case has
    been answered since (the periodic scan calls this); how many it closed. Each is closed
    in a transaction of its own under its row lock, so a rerun or a concurrent report closes
    nothing twice."""
    today = today or timezone.localdate()
    undone = JointParty.objects.filter(supervision=OuterRef("pk"), done_on__isnull=True)
    delivered = Reply.objects.filter(case=OuterRef("case"), status=ReplyStatus.DELIVERED)
    candidates = list(
        JointSupervision.objects.filter(status=JointStatus.OPEN, case__status__in=ANSWERED_STATUSES)
        .filter(~Exists(undone), Exists(delivered))
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in candidates:
        with transaction.atomic():
            supervision = _supervision_lock(JointSupervision(pk=pk))
            if _close_if_complete(supervision, today):
                closed += 1
    return closed
