"""The backlog ledger's step of the deadline scan: the time limit (定时限) of every open entry
reminded once per stage and time limit (`ledgers.reminders`), as the case clocks are:

- due soon (within `REMINDER_DUE_SOON_WORKDAYS` workdays): the lead unit's handlers;
- overdue: they, the lead unit's leaders and the sponsoring leader;
- escalated, `REMINDER_ESCALATE_WORKDAYS` workdays overdue: the sponsoring leader (the
  leaders of the government above when there is none) and the supervisors of the government
  above the lead unit; the entry's history records it.

An extension sets a new time limit, and with it a new round of reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.workcalendar import Counting, due_date, overdue_since
from escalation.recipients import Recipients
from notifications.models import Notification
from notifications.services import build_notifications

from ..models import BacklogEntry, BacklogStatus, Ledger, LedgerEvent, LedgerEventKind
from ..reminders import DUE_SOON, ESCALATED, OVERDUE, remind_all
from .services import entry_url


def backlog_remind(today: datetime.date) -> dict[str, int]:
    windows = {
        # Overdue before escalated: whoever is escalated to has been told it is late.
        OVERDUE: Q(due_on__lt=today),
        ESCALATED: Q(due_on__lte=overdue_since(today, settings.REMINDER_ESCALATE_WORKDAYS)),
        DUE_SOON: Q(
            due_on__gte=today,
            due_on__lte=due_date(today, settings.REMINDER_DUE_SOON_WORKDAYS, Counting.WORKDAYS),
        ),
    }
    rows = BacklogEntry.objects.filter(status=BacklogStatus.OPEN)
    return {
        f"{Ledger.BACKLOG}_{stage}": remind_all(
            Ledger.BACKLOG, rows.filter(window), stage, today, _entries
        )
        for stage, window in windows.items()
    }


def _entries(ids: list[int], stage: str, today: datetime.date) -> list[Notification]:
    entries = list(
        BacklogEntry.objects.filter(pk__in=ids)
        .select_related("case", "lead_unit", "sponsoring_leader")
        .order_by("pk")
    )
    recipients = Recipients({entry.lead_unit for entry in entries})
    rows: list[Notification] = []
    for entry in entries:
        unit, sponsor = entry.lead_unit, entry.sponsoring_leader
        values = {
            "sheet": entry.number,
            "case": entry.case.number,
            "unit": unit.name,
            "due": entry.due_on.isoformat(),
        }
        people: list[User] = list(recipients.responsible(unit))
        if stage == DUE_SOON:
            title = _("Backlog case %(sheet)s (case %(case)s, %(unit)s) is due on %(due)s.")
        elif stage == OVERDUE:
            title = _(
                "Backlog case %(sheet)s (case %(case)s, %(unit)s) was due on %(due)s and is "
                "overdue."
            )
            people += [*recipients.heads(unit), *([sponsor] if sponsor else [])]
        else:
            title = _(
                "Backlog case %(sheet)s (case %(case)s, %(unit)s) was due on %(due)s and is long "
                "overdue: escalated."
            )
            people = [
                *([sponsor] if sponsor else recipients.leaders_above(unit)),
                *recipients.supervisors_above(unit),
            ]
        rows += build_notifications(
            recipients=people,
            kind=stage,
            title=title % values,
            case_number=entry.case.number,
            url=entry_url(entry),
            sms=stage != DUE_SOON,
        )
    if stage == ESCALATED:
        LedgerEvent.objects.bulk_create(
            LedgerEvent(
                ledger=Ledger.BACKLOG,
                object_id=entry.pk,
                kind=LedgerEventKind.ESCALATED,
                status=entry.status,
                note=_("Time limit %(due)s.") % {"due": entry.due_on.isoformat()},
            )
            for entry in entries
        )
    return rows
