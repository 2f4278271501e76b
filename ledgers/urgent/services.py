"""Major and urgent matters (重大、紧急信访事项, Art. 25): every write.

A case (or the case of a petition) is flagged major or urgent with a reason
(`urgent_flag`): that starts the reporting clock of its 信访信息专报, `URGENT_REPORT_HOURS`. The
reporting unit sends it (`urgent_report_issue`) to the government of its level and to the
petition office one level up, whose staff acknowledge it (`urgent_acknowledge`) within
`URGENT_ACK_HOURS`; follow-up reports (`urgent_follow_up`, 续报) go to the same units. The
deadline scan reminds a report not sent in time and escalates one not acknowledged
(`reminders.py`). Each service locks the row first, reads it afresh, then checks.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import acts_for, government_id_of, users_acting_for
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.selectors.accusations import accused_unit_ids, accuses
from cases.services import case_event_write
from cases.services.core import case_lock
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from escalation.recipients import Recipients
from notifications.services import notify

from ..checks import required_text
from ..events import ledger_event_write
from ..kinds import LedgerCaseEventKind, LedgerNotificationKind
from ..models import (
    Gravity,
    Ledger,
    LedgerEventKind,
    UrgentRecipient,
    UrgentReport,
    UrgentStatus,
)
from ..permissions import can_flag_urgent

REPORT_SERIES = "专报"


def report_url(report: UrgentReport) -> str:
    return reverse("ledgers:urgent_detail", args=[report.pk])


def recipient_units(reporting_unit: OrgUnit) -> list[OrgUnit]:
    """Who a report goes to (Art. 25): the government of the reporting unit's level, and the
    petition office one level up (for a province, its own petition office's government)."""
    government = OrgUnit.objects.get(pk=government_id_of(reporting_unit))
    above = Recipients([government]).issuer_above(government)
    return list({unit.pk: unit for unit in (government, above)}.values())


def _supervisors_and_leaders(unit: OrgUnit) -> list[User]:
    government = government_id_of(unit)
    acting = users_acting_for([government], Role.LEADER, Role.SUPERVISOR)
    return acting.get(government, [])


@transaction.atomic
def urgent_flag(
    *, actor: User, case: Case, gravity: str, reason: str, content: str = ""
) -> UrgentReport:
    """Flag `case` major or urgent with the reason: its information report is due within
    `URGENT_REPORT_HOURS`, numbered in the reporting unit's series (…专报〔2026〕n号); the
    unit's leaders and its government's supervisors are told. One open report of each gravity
    per case."""
    case = case_lock(case)
    unit = actor.org_unit
    if unit is None or not can_flag_urgent(actor):
        raise NotAllowed(_("Only the staff of a unit flag a matter as major or urgent."))
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed(_("Case %(number)s is outside your area.") % {"number": case.number})
    if gravity not in Gravity.values:
        raise ValidationError({"gravity": [_("Choose major or urgent.")]})
    reason = required_text("reason", reason, _("Say why the matter is major or urgent."))
    open_one = (
        UrgentReport.objects.filter(case=case, gravity=gravity)
        .exclude(status=UrgentStatus.ACKNOWLEDGED)
        .first()
    )
    if open_one is not None:
        raise Conflict(
            _("Case %(case)s already has report %(number)s open for this.")
            % {"case": case.number, "number": open_one.number}
        )
    now = timezone.now()
    report = UrgentReport.objects.create(
        number=next_document_number(
            unit=unit, series=REPORT_SERIES, year=timezone.localtime(now).year
        ),
        case=case,
        gravity=gravity,
        reason=reason,
        content=(content or "").strip()[:LONG_TEXT],
        reporting_unit=unit,
        flagged_by=actor,
        flagged_at=now,
        report_due_at=now + datetime.timedelta(hours=settings.URGENT_REPORT_HOURS),
    )
    ledger_event_write(
        ledger=Ledger.URGENT_REPORT,
        object_id=report.pk,
        kind=LedgerEventKind.FLAGGED,
        actor=actor,
        status=report.status,
        note=reason,
    )
    case_event_write(
        case=case,
        kind=LedgerCaseEventKind.URGENT_FLAGGED,
        actor=actor,
        comment=f"{report.get_gravity_display()}：{reason}",
        data={"report": report.number},
    )
    people = [user for user in _supervisors_and_leaders(unit) if user.pk != actor.pk]
    notify(
        recipients=people,
        kind=LedgerNotificationKind.URGENT,
        title=_("Case %(case)s is flagged %(gravity)s: report %(number)s is due by %(due)s.")
        % {
            "case": case.number,
            "gravity": report.get_gravity_display(),
            "number": report.number,
            "due": timezone.localtime(report.report_due_at).strftime("%Y-%m-%d %H:%M"),
        },
        case_number=case.number,
        url=report_url(report),
        sms=True,
    )
    return report


def _lock(report: UrgentReport) -> UrgentReport:
    return lock_and_read(UrgentReport.objects.select_related("case", "reporting_unit"), report.pk)


def _may_report(actor: User, report: UrgentReport) -> bool:
    """The reporting unit's staff (or those acting for it) send and follow it up."""
    return can_flag_urgent(actor) and acts_for(actor, report.reporting_unit)


@transaction.atomic
def urgent_report_issue(*, actor: User, report: UrgentReport, content: str) -> UrgentReport:
    """Send the information report: to the government of its level and the petition office
    one level up (never to a unit the matter accuses, Art. 30), whose staff are told at once
    and acknowledge it within `URGENT_ACK_HOURS`. Late when sent after its reporting clock."""
    report = _lock(report)
    if not _may_report(actor, report):
        raise NotAllowed(
            _("Only %(unit)s sends its report.") % {"unit": report.reporting_unit.name}
        )
    if report.status != UrgentStatus.DRAFT:
        raise Conflict(_("Report %(number)s has been sent.") % {"number": report.number})
    content = required_text("content", content, _("Write the report."))
    accused = accused_unit_ids(report.case)
    units = [
        u
        for u in recipient_units(report.reporting_unit)
        if not accuses(report.case, u, accused=accused)
    ]
    now = timezone.now()
    report.content = content
    report.issued_at = now
    report.issued_by = actor
    report.ack_due_at = now + datetime.timedelta(hours=settings.URGENT_ACK_HOURS)
    report.status = UrgentStatus.ISSUED
    report.save(update_fields=["content", "issued_at", "issued_by", "ack_due_at", "status"])
    UrgentRecipient.objects.bulk_create(UrgentRecipient(report=report, unit=unit) for unit in units)
    ledger_event_write(
        ledger=Ledger.URGENT_REPORT,
        object_id=report.pk,
        kind=LedgerEventKind.ISSUED,
        actor=actor,
        status=report.status,
        note="、".join(unit.name for unit in units),
    )
    case_event_write(
        case=report.case,
        kind=LedgerCaseEventKind.URGENT_REPORTED,
        actor=actor,
        comment=_("Information report %(number)s sent to %(units)s.")
        % {"number": report.number, "units": "、".join(unit.name for unit in units)},
        data={"report": report.number},
    )
    _tell_recipients(
        report,
        units,
        _("Information report %(number)s (%(gravity)s, case %(case)s): acknowledge by %(due)s.")
        % {
            "number": report.number,
            "gravity": report.get_gravity_display(),
            "case": report.case.number,
            "due": timezone.localtime(report.ack_due_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return report


def receiving_roles(unit: OrgUnit) -> tuple[str, ...]:
    """Who receives a report for a recipient unit: a government's leaders (and its
    supervisors, the joint-conference office), a petition office's staff."""
    if unit.kind == OrgKind.GOVERNMENT:
        return (Role.LEADER, Role.SUPERVISOR)
    return (Role.LEADER, Role.HANDLER, Role.SUPERVISOR)


def may_acknowledge(actor: User, report: UrgentReport, unit: OrgUnit) -> bool:
    """Whether `actor` acknowledges for the recipient `unit`: one who receives for it, not
    of the reporting unit itself (a petition office acts for its government, but does not
    acknowledge its own report)."""
    return (
        actor.org_unit_id != report.reporting_unit_id
        and actor.has_role(*receiving_roles(unit))
        and acts_for(actor, unit)
    )


def _tell_recipients(report: UrgentReport, units: list[OrgUnit], title: str) -> None:
    people: list[User] = []
    for unit in units:
        acting = users_acting_for([unit.pk], *receiving_roles(unit)).get(unit.pk, [])
        people += [user for user in acting if user.org_unit_id != report.reporting_unit_id]
    notify(
        recipients=people,
        kind=LedgerNotificationKind.URGENT,
        title=title,
        case_number=report.case.number,
        url=report_url(report),
        sms=True,
    )


@transaction.atomic
def urgent_acknowledge(*, actor: User, report: UrgentReport) -> UrgentReport:
    """签收: the actor acknowledges the report for the recipient unit(s) they act for; once
    every recipient has, the report is acknowledged."""
    report = _lock(report)
    if report.status == UrgentStatus.DRAFT:
        raise Conflict(_("Report %(number)s has not been sent yet.") % {"number": report.number})
    mine = [
        recipient
        for recipient in report.recipients.select_related("unit")
        if may_acknowledge(actor, report, recipient.unit)
    ]
    if not mine:
        raise NotAllowed(
            _("Report %(number)s is not addressed to your unit.") % {"number": report.number}
        )
    waiting = [recipient for recipient in mine if recipient.acknowledged_at is None]
    if not waiting:
        raise Conflict(
            _("Your unit has acknowledged report %(number)s.") % {"number": report.number}
        )
    now = timezone.now()
    UrgentRecipient.objects.filter(pk__in=[r.pk for r in waiting]).update(
        acknowledged_at=now, acknowledged_by=actor
    )
    if not report.recipients.filter(acknowledged_at__isnull=True).exists():
        report.status = UrgentStatus.ACKNOWLEDGED
        report.save(update_fields=["status"])
    ledger_event_write(
        ledger=Ledger.URGENT_REPORT,
        object_id=report.pk,
        kind=LedgerEventKind.ACKNOWLEDGED,
        actor=actor,
        status=report.status,
        note="、".join(recipient.unit.name for recipient in waiting),
    )
    return report


@transaction.atomic
def urgent_follow_up(*, actor: User, report: UrgentReport, content: str) -> UrgentReport:
    """续报: what has happened since, to the same recipients."""
    report = _lock(report)
    if not _may_report(actor, report):
        raise NotAllowed(
            _("Only %(unit)s follows its report up.") % {"unit": report.reporting_unit.name}
        )
    if report.status == UrgentStatus.DRAFT:
        raise Conflict(_("Send report %(number)s first.") % {"number": report.number})
    content = required_text("content", content, _("Write the follow-up report."))
    ledger_event_write(
        ledger=Ledger.URGENT_REPORT,
        object_id=report.pk,
        kind=LedgerEventKind.FOLLOW_UP,
        actor=actor,
        status=report.status,
        note=content,
    )
    units = [recipient.unit for recipient in report.recipients.select_related("unit")]
    _tell_recipients(
        report,
        units,
        _("Follow-up to information report %(number)s (case %(case)s).")
        % {"number": report.number, "case": report.case.number},
    )
    return report
