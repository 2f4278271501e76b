"""Major and urgent matters in the deadline scan (every 10 minutes): a report not sent by
its reporting clock reminds the reporting unit's leaders and supervisors once; one not
acknowledged by its recipients in time is escalated once to the leaders and supervisors of
the government above them. The `LedgerReminder` row and the conditional update of
`escalated_at` are the claims: a rerun or two scans at once send nothing twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import government_id_of, users_acting_for
from core.claims import insert_new
from escalation.recipients import Recipients
from notifications.services import notify

from ..events import ledger_event_write
from ..kinds import LedgerNotificationKind
from ..models import Ledger, LedgerEventKind, LedgerReminder, UrgentReport, UrgentStatus
from .services import report_url

OVERDUE = "overdue"


def urgent_remind(today: datetime.date) -> dict[str, int]:
    now = timezone.now()
    return {"reports_late": _remind_late(now), "escalated": _escalate(now)}


def _remind_late(now: datetime.datetime) -> int:
    reminded = LedgerReminder.objects.filter(
        ledger=Ledger.URGENT_REPORT, object_id=OuterRef("pk"), stage=OVERDUE
    )
    late = list(
        UrgentReport.objects.filter(status=UrgentStatus.DRAFT, report_due_at__lt=now)
        .exclude(Exists(reminded))
        .values_list("pk", "report_due_at")
    )
    if not late:
        return 0
    with transaction.atomic():
        won = insert_new(
            LedgerReminder,
            ["ledger", "object_id", "stage", "due_on", "created_at"],
            [
                (Ledger.URGENT_REPORT, pk, OVERDUE, timezone.localtime(due).date(), now)
                for pk, due in late
            ],
            returning="object_id",
        )
        reports = UrgentReport.objects.filter(pk__in=won).select_related("case", "reporting_unit")
        for report in reports:
            government = government_id_of(report.reporting_unit)
            acting = users_acting_for(
                [report.reporting_unit.pk, government], Role.LEADER, Role.SUPERVISOR
            )
            people: list[User] = [
                *acting.get(report.reporting_unit.pk, []),
                *acting.get(government, []),
            ]
            notify(
                recipients=people,
                kind=OVERDUE,
                title=_("Report %(number)s (case %(case)s) was due by %(due)s and is not sent.")
                % {
                    "number": report.number,
                    "case": report.case.number,
                    "due": timezone.localtime(report.report_due_at).strftime("%Y-%m-%d %H:%M"),
                },
                case_number=report.case.number,
                url=report_url(report),
                sms=True,
            )
    return len(won)


def _escalate(now: datetime.datetime) -> int:
    due = UrgentReport.objects.filter(
        status=UrgentStatus.ISSUED, ack_due_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(due):
        with transaction.atomic():
            # The claim: only the scan whose update changes the row escalates it.
            if not UrgentReport.objects.filter(pk=pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            report = UrgentReport.objects.select_related("case").get(pk=pk)
            waiting = [
                recipient.unit
                for recipient in report.recipients.filter(
                    acknowledged_at__isnull=True
                ).select_related("unit")
            ]
            recipients = Recipients(waiting)
            people = [
                user
                for unit in waiting
                for user in (
                    *recipients.leaders_above(unit),
                    *recipients.supervisors_above(unit),
                    *recipients.heads(unit),
                )
            ]
            names = "、".join(unit.name for unit in waiting)
            ledger_event_write(
                ledger=Ledger.URGENT_REPORT,
                object_id=report.pk,
                kind=LedgerEventKind.ESCALATED,
                actor=None,
                status=report.status,
                note=names,
            )
            notify(
                recipients=people,
                kind=LedgerNotificationKind.URGENT,
                title=_(
                    "Report %(number)s (case %(case)s) not acknowledged by %(units)s: escalated."
                )
                % {"number": report.number, "case": report.case.number, "units": names},
                case_number=report.case.number,
                url=report_url(report),
                sms=True,
            )
            escalated += 1
    return escalated
