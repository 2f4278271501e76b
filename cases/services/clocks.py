"""Open clocks follow the work calendar (DESIGN §2).

When an admin changes calendar days (`accounts.calendar.services`), every open clock whose
due date depends on a changed day is recomputed under its own rule, in the calendar change's
transaction: its case locked first, then the clock read afresh. A moved clock gets a
`CaseEvent` and its responsible and owner units are told; a clock whose date stays and only
its provisional mark changes is updated quietly. Met clocks never change.

How each clock is recomputed (`clock_due`):

- a clock with a rule: the rule's days (and counting) from its start;
- paused (a hearing during a re-review, Art. 36): the rule's days plus the paused days, as
  `case_record_hearing` computes it;
- extended (延期): the extension's calendar days added to the due date of the rule, as
  `_approve_extension` adds them to the due date it had then;
- set by hand (an assignment's report-back, escalation's tasks: no rule): a person chose
  that date, and no calendar change moves it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.calendar.services import CalendarChange
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_acting_for
from core.workcalendar import (
    Counting,
    Due,
    WorkCalendar,
    calendar_for_period,
    load_calendar,
)
from notifications.services import build_notifications, save_notifications

from ..kinds import CaseNotificationKind
from ..models import Case, CaseEvent, Deadline, EventKind
from ..sections import case_pages_changed

# Cases locked and recomputed per round (bounded IN lists and memory for any number).
BATCH = 500


def clock_due(clock: Deadline, calendar: WorkCalendar | None = None) -> Due | None:
    """What `clock`'s own rule gives on `calendar` (see the module docstring; by default
    the calendar of the clock's period); None for a clock set by hand."""
    rule = clock.rule
    if rule is None:
        return None
    if calendar is None:
        span = rule.days + clock.paused_days + clock.extended_days
        calendar = calendar_for_period(clock.starts_on, span)
    base = calendar.due(clock.starts_on, rule.days + clock.paused_days, rule.counting)
    if not clock.extended_days:
        return base
    extended = calendar.due(base.on, clock.extended_days, Counting.CALENDAR_DAYS)
    return Due(extended.on, base.provisional or extended.provisional)


def _horizon(clock: Deadline) -> datetime.date:
    """A day past any due date `clock_due` can give for `clock` (Spring Festival included)."""
    assert clock.rule is not None  # recomputed clocks have a rule
    days = clock.rule.days + clock.paused_days
    return clock.starts_on + datetime.timedelta(days=days * 2 + 40 + clock.extended_days * 2 + 40)


def _runs(days: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """`days` as runs of consecutive days (first, last): a year is one run."""
    runs: list[tuple[datetime.date, datetime.date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == datetime.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def depends_on_days(days: Iterable[datetime.date]) -> Q:
    """Clocks whose counting may have looked at one of `days`: those with one of them after
    their start and up to their due date (a clock looks at no other day, so a change
    elsewhere cannot move it)."""
    runs = _runs(days)
    if not runs:
        return Q(pk__in=[])
    reach = Q()
    for first, last in runs:
        reach |= Q(starts_on__lt=last, due_on__gte=first)
    return reach


def deadlines_follow_calendar(change: CalendarChange) -> int:
    """The calendar listener: recompute the open clocks depending on the changed days.
    Returns how many clocks moved."""
    return deadlines_recompute(
        actor=change.actor, on=change.on, clocks=depends_on_days(change.days)
    )


@transaction.atomic
def deadlines_recompute(*, actor: User | None, on: datetime.date, clocks: Q | None = None) -> int:
    """Recompute the open clocks with a rule matching `clocks` (all when None), as the
    calendar stands now: their cases locked in id order, batch by batch. Running it again
    changes nothing. Returns how many clocks moved."""
    condition = Q(met_at__isnull=True, rule__isnull=False) & (clocks or Q())
    case_ids = sorted(set(Deadline.objects.filter(condition).values_list("case_id", flat=True)))
    moved = 0
    for start in range(0, len(case_ids), BATCH):
        moved += _recompute_cases(case_ids[start : start + BATCH], condition, actor, on)
    return moved


def _recompute_cases(
    case_ids: list[int], condition: Q, actor: User | None, on: datetime.date
) -> int:
    cases = {
        case.pk: case
        for case in Case.objects.select_for_update(of=("self",))
        .filter(pk__in=case_ids)
        .order_by("pk")
        .select_related("owner_unit")
    }
    # Read afresh under the lock: a step may have met or moved a clock meanwhile.
    clocks = list(
        Deadline.objects.filter(condition, case_id__in=list(cases))
        .select_related("rule", "responsible_unit")
        .order_by("case_id", "pk")
    )
    if not clocks:
        return 0
    calendar = load_calendar(
        min(clock.starts_on for clock in clocks), max(_horizon(clock) for clock in clocks)
    )
    changed, moves = [], []
    for clock in clocks:
        due = clock_due(clock, calendar)
        assert due is not None  # recomputed clocks have a rule
        if due == (clock.due_on, clock.due_provisional):
            continue
        if due.on != clock.due_on:
            moves.append((clock, clock.due_on))
        clock.due_on, clock.due_provisional = due
        changed.append(clock)
    Deadline.objects.bulk_update(changed, ["due_on", "due_provisional"])
    if changed:
        case_pages_changed()  # no signal for a bulk update
    if moves:
        _record(moves, cases, actor, on)
    return len(moves)


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _record(
    moves: list[tuple[Deadline, datetime.date]],
    cases: dict[int, Case],
    actor: User | None,
    on: datetime.date,
) -> None:
    """One timeline event per moved clock, and a notification to the handlers of the
    clock's responsible unit and of the case's owner unit."""
    events, notifications = [], []
    handlers = users_acting_for(
        {clock.responsible_unit_id for clock, _old in moves}
        | {cases[clock.case_id].owner_unit_id for clock, _old in moves},
        Role.HANDLER,
    )
    for clock, old_due in moves:
        case = cases[clock.case_id]
        text = _(
            "%(clock)s: the time limit was changed by a work calendar adjustment from "
            "%(old)s to %(new)s."
        ) % {"clock": clock.get_kind_display(), "old": _day(old_due), "new": _day(clock.due_on)}
        if clock.due_provisional:
            text += " " + _("The new date is still provisional.")
        events.append(
            CaseEvent(
                case=case,
                kind=EventKind.DEADLINE_RECOMPUTED,
                actor=actor,
                actor_unit_id=actor.org_unit_id if actor else None,
                old_status=case.status,
                new_status=case.status,
                comment=text,
                data={
                    "deadline": clock.pk,
                    "clock": clock.kind,
                    "old_due": old_due.isoformat(),
                    "new_due": clock.due_on.isoformat(),
                    "provisional": clock.due_provisional,
                },
                effective_on=on,
            )
        )
        notifications += build_notifications(
            recipients=[
                *handlers.get(clock.responsible_unit_id, []),
                *handlers.get(case.owner_unit_id, []),
            ],
            kind=CaseNotificationKind.DEADLINE_MOVED,
            title=_("Case %(case)s: %(clock)s now due on %(new)s (was %(old)s)")
            % {
                "case": case.number,
                "clock": clock.get_kind_display(),
                "new": _day(clock.due_on),
                "old": _day(old_due),
            },
            body=text,
            case_number=case.number,
            url=reverse("cases:detail", args=[case.number]),
        )
    CaseEvent.objects.bulk_create(events)
    save_notifications(notifications)
