"""Dispute screening's step of the deadline scan: this month's regular rounds opened, and the
reports and disputes due soon or overdue reminded once per stage and due date (the
`LedgerReminder` claim, `ledgers.reminders`), so a rerun or two scans at once send nothing
twice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.workcalendar import Counting, due_date
from escalation.recipients import Recipients
from notifications.models import Notification
from notifications.services import build_notifications

from ..models import ACTIVE_DISPUTE_STATUSES, DisputeItem, Ledger, ScreeningReport
from ..reminders import DUE_SOON, OVERDUE, remind_all
from .services import dispute_url, report_url, screening_regular_rounds_open, supervisors_of


def screening_remind(today: datetime.date) -> dict[str, int]:
    counts = {"rounds_opened": screening_regular_rounds_open(today=today)}
    windows = {
        OVERDUE: Q(due_on__lt=today),
        DUE_SOON: Q(
            due_on__gte=today,
            due_on__lte=due_date(today, settings.REMINDER_DUE_SOON_WORKDAYS, Counting.WORKDAYS),
        ),
    }
    sources = (
        (Ledger.SCREENING_REPORT, ScreeningReport.objects.filter(submitted_at__isnull=True)),
        (Ledger.DISPUTE, DisputeItem.objects.filter(status__in=ACTIVE_DISPUTE_STATUSES)),
    )
    for ledger, rows in sources:
        for stage, window in windows.items():
            send = _reports if ledger == Ledger.SCREENING_REPORT else _disputes
            counts[f"{ledger}_{stage}"] = remind_all(
                ledger, rows.filter(window), stage, today, send
            )
    return counts


def _reports(ids: list[int], stage: str, today: datetime.date) -> list[Notification]:
    reports = list(
        ScreeningReport.objects.filter(pk__in=ids).select_related("round", "unit").order_by("pk")
    )
    recipients = Recipients({report.unit for report in reports})
    rows: list[Notification] = []
    for report in reports:
        values = {"round": report.round.title, "unit": report.unit.name, "due": report.due_on}
        people: list[User] = list(recipients.responsible(report.unit))
        if stage == DUE_SOON:
            title = _("%(round)s: %(unit)s's screening report is due on %(due)s.") % values
        else:
            title = (
                _("%(round)s: %(unit)s's screening report was due on %(due)s and is missing.")
                % values
            )
            # The late unit is listed for the supervisors who organised the round.
            people += supervisors_of(report.round.organizing_unit)
        rows += build_notifications(
            recipients=people,
            kind=stage,
            title=title,
            url=report_url(report),
            sms=stage == OVERDUE,
        )
    return rows


def _disputes(ids: list[int], stage: str, today: datetime.date) -> list[Notification]:
    items = list(
        DisputeItem.objects.filter(pk__in=ids).select_related("responsible_unit").order_by("pk")
    )
    recipients = Recipients({item.responsible_unit for item in items})
    rows: list[Notification] = []
    for item in items:
        unit = item.responsible_unit
        values = {"number": item.number, "unit": unit.name, "due": item.due_on}
        people: list[User] = list(recipients.responsible(unit))
        if stage == DUE_SOON:
            title = _("Dispute %(number)s (%(unit)s) is to be resolved by %(due)s.") % values
        else:
            title = (
                _("Dispute %(number)s (%(unit)s) was to be resolved by %(due)s: overdue.") % values
            )
            people += recipients.heads(unit)
        rows += build_notifications(
            recipients=people, kind=stage, title=title, url=dispute_url(item), sms=stage == OVERDUE
        )
    return rows
