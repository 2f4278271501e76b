"""The deadline scan: every open clock near or past its due date is reminded once per stage.

The scan reads open clocks through the partial index on `Deadline.due_on` (open clocks only),
so its cost follows the number of clocks near or past due, not the number of cases. A clock is
claimed for a stage by inserting its `Reminder` row (`ON CONFLICT DO NOTHING RETURNING`): only
the scan whose insert wins sends, in the same transaction, so two scans at once, a rerun by
hand or a retried task never remind twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import PETITIONER_WINDOWS, CaseEvent, Deadline
from cases.services import notices_chase_undelivered
from core.claims import insert_new
from core.workcalendar import Counting, due_date, overdue_since
from notifications.models import Notification
from notifications.services import build_notifications, save_notifications

from ..joint.services.reporting import joint_supervisions_close_answered
from ..kinds import EscalationDeadlineKind, EscalationEventKind
from ..models import ConsultationTask, JointParty, Reminder, ReminderStage, SupervisionNotice
from ..notices.services import automatic_response_due, supervision_notice_issue
from ..recipients import Recipients

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class ScanResult:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    notices: int = 0
    notifications: int = 0
    joint_closed: int = 0
    notices_undelivered: int = 0
    # What each registered step did (`register_scan_step`), by its name.
    steps: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, stage: str, count: int) -> None:
        setattr(self, stage, getattr(self, stage) + count)


# The clocks of the apps above (the ledgers' due dates), reminded by this one scan: each step
# takes the day and returns what it did ({"due_soon": n, …}), claiming its reminders so that a
# second run sends nothing twice.
ScanStep = Callable[[datetime.date], dict[str, int]]
_steps: dict[str, ScanStep] = {}


def register_scan_step(name: str, step: ScanStep) -> None:
    _steps[name] = step


def deadlines_scan(
    *, today: datetime.date | None = None, batch_size: int = BATCH_SIZE
) -> ScanResult:
    """Remind every open clock that is due soon, overdue, or overdue long enough to escalate,
    and that has not been reminded at that stage for its current due date."""
    today = today or timezone.localdate()
    windows = {
        # Overdue before escalated: whoever is escalated to has been told it is late.
        ReminderStage.OVERDUE: Q(due_on__lt=today),
        ReminderStage.ESCALATED: Q(
            due_on__lte=overdue_since(today, settings.REMINDER_ESCALATE_WORKDAYS)
        ),
        ReminderStage.DUE_SOON: Q(
            due_on__gte=today,
            due_on__lte=due_date(today, settings.REMINDER_DUE_SOON_WORKDAYS, Counting.WORKDAYS),
        ),
    }
    result = ScanResult()
    for stage, window in windows.items():
        seen: set[int] = set()
        while True:
            with transaction.atomic():
                candidates = _candidates(stage, window, batch_size)
                fresh = [row for row in candidates if row[0] not in seen]
                if not fresh:
                    break
                seen.update(pk for pk, _due in fresh)
                claimed = _claim(stage, fresh)
                if claimed:
                    _remind(stage, claimed, today, result)
    # An acceptance notice still undelivered after the acceptance time limit (Art. 23).
    result.notices_undelivered = notices_chase_undelivered(today=today)
    # A joint supervision whose parties are all done closes once its case is answered.
    result.joint_closed = joint_supervisions_close_answered(today=today)
    for name, step in _steps.items():
        result.steps[name] = step(today)
    logger.info("deadline scan %s: %s", today, result)
    return result


def _candidates(stage: str, window: Q, limit: int) -> list[tuple[int, datetime.date]]:
    reminded = Reminder.objects.filter(
        deadline=OuterRef("pk"), stage=stage, due_on=OuterRef("due_on")
    )
    return list(
        Deadline.objects.filter(window, met_at__isnull=True)
        .exclude(kind__in=PETITIONER_WINDOWS)
        .exclude(Exists(reminded))
        .order_by("due_on", "pk")
        .values_list("pk", "due_on")[:limit]
    )


def _claim(stage: str, rows: list[tuple[int, datetime.date]]) -> list[int]:
    """Insert the reminders; the ids of the clocks this transaction won."""
    return insert_new(
        Reminder,
        ["deadline_id", "stage", "due_on", "created_at"],
        [(pk, stage, due, timezone.now()) for pk, due in rows],
        returning="deadline_id",
    )


def _remind(stage: str, deadline_ids: list[int], today: datetime.date, result: ScanResult) -> None:
    clocks = list(
        Deadline.objects.filter(pk__in=deadline_ids)
        .select_related("case", "case__sponsoring_leader", "responsible_unit")
        .order_by("due_on", "pk")
    )
    recipients = Recipients({clock.responsible_unit for clock in clocks})
    links = _task_links(clocks)
    rows: list[Notification] = []
    for clock in clocks:
        unit = clock.responsible_unit
        message = _message(stage, clock, today)
        url = links.get(clock.pk) or reverse("cases:detail", args=[clock.case.number])
        people: list[User] = list(recipients.responsible(unit))
        if stage == ReminderStage.OVERDUE:
            people += [*recipients.heads(unit), *recipients.supervisors_above(unit)]
        elif stage == ReminderStage.ESCALATED:
            sponsor = clock.case.sponsoring_leader
            people = [sponsor] if sponsor else recipients.leaders_above(unit)
        rows += build_notifications(
            recipients=people,
            kind=stage,
            title=message,
            case_number=clock.case.number,
            url=url,
            sms=stage != ReminderStage.DUE_SOON,
        )
    rows = save_notifications(rows)
    result.add(stage, len(clocks))
    result.notifications += len(rows)
    if stage == ReminderStage.ESCALATED:
        _escalate(clocks, today, recipients, result)


def _escalate(
    clocks: Iterable[Deadline], today: datetime.date, recipients: Recipients, result: ScanResult
) -> None:
    """The timeline records the escalation; the unit gets an automatic supervision notice
    (not for a late answer to a notice itself: that one is already a notice)."""
    events = []
    response_due = automatic_response_due(today)
    for clock in clocks:
        events.append(
            CaseEvent(
                case=clock.case,
                kind=EscalationEventKind.OVERDUE_ESCALATED,
                old_status=clock.case.status,
                new_status=clock.case.status,
                comment=_message(ReminderStage.ESCALATED, clock, today),
                data={"clock": clock.kind, "due": clock.due_on.isoformat()},
                effective_on=today,
            )
        )
        if clock.kind == EscalationDeadlineKind.SUPERVISION_NOTICE:
            continue
        unit = clock.responsible_unit
        supervision_notice_issue(
            actor=None,
            case=clock.case,
            unit=unit,
            due_on=response_due,
            content=_(
                "%(clock)s of case %(case)s was due on %(due)s and is still not done. Complete "
                "it at once and answer this notice in writing, stating the reasons for the delay."
            )
            % {
                "clock": clock.get_kind_display(),
                "case": clock.case.number,
                "due": clock.due_on.isoformat(),
            },
            issuing_unit=recipients.issuer_above(unit),
            source_deadline=clock,
            recipients=recipients,
        )
        result.notices += 1
    CaseEvent.objects.bulk_create(events)


def _message(stage: str, clock: Deadline, today: datetime.date) -> str:
    values = {
        "clock": clock.get_kind_display(),
        "case": clock.case.number,
        "due": clock.due_on.isoformat(),
        "unit": clock.responsible_unit.name,
    }
    if stage == ReminderStage.DUE_SOON:
        return _("Case %(case)s: %(clock)s (%(unit)s) is due on %(due)s.") % values
    if stage == ReminderStage.OVERDUE:
        return _("Case %(case)s: %(clock)s (%(unit)s) was due on %(due)s and is overdue.") % values
    return (
        _("Case %(case)s: %(clock)s (%(unit)s) was due on %(due)s and is long overdue: escalated.")
        % values
    )


def _task_links(clocks: list[Deadline]) -> dict[int, str]:
    """Links to the escalation task behind a task clock (its page, not the case's: a party's
    unit may not see the case itself)."""
    ids: dict[str, list[int]] = {clock.kind: [] for clock in clocks}
    for clock in clocks:
        ids[clock.kind].append(clock.pk)
    links: dict[int, str] = {}
    if EscalationDeadlineKind.SUPERVISION_NOTICE in ids:
        for pk, deadline_id in SupervisionNotice.objects.filter(
            deadline__in=ids[EscalationDeadlineKind.SUPERVISION_NOTICE]
        ).values_list("pk", "deadline_id"):
            links[deadline_id] = reverse("escalation:notice_detail", args=[pk])
    if EscalationDeadlineKind.JOINT_TASK in ids:
        for pk, deadline_id in JointParty.objects.filter(
            deadline__in=ids[EscalationDeadlineKind.JOINT_TASK]
        ).values_list("supervision_id", "deadline_id"):
            links[deadline_id] = reverse("escalation:joint_detail", args=[pk])
    if EscalationDeadlineKind.CONSULTATION_TASK in ids:
        for number, deadline_id in ConsultationTask.objects.filter(
            deadline__in=ids[EscalationDeadlineKind.CONSULTATION_TASK]
        ).values_list("consultation__case__number", "deadline_id"):
            links[deadline_id] = reverse("escalation:case_consultations", args=[number])
    return links
