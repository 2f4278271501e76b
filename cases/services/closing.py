"""Closing (办结, DESIGN §2): a case closes when the last window its petitioner had lapses
unused: the review request window after the answer, the re-review request window after the
review opinion. (A re-reviewed case is terminated by the re-review itself.)

Beat runs `cases_close_lapsed` through `cases.tasks.close_lapsed_cases`; the demo data and the
dashboards' bench run the same function for their own dates. A closing is dated on the
window's last day whenever the job runs, so a late or missed run changes nothing but the
moment the status turns. The lapsed window is stopped without being met (`Deadline.lapsed`):
it leaves the open clocks, and no scan, queue or dashboard counts it as anybody's duty.

The job reads the open windows past their last day through their own partial index, in
batches that commit one by one, so a run cut short keeps what it did and the next carries
on. Each batch locks its cases (in id order) and reads their windows again under the lock:
a review request that came in meanwhile (`case_request_review` locks the case too) keeps
its case open, and two runs at once close each case once.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    PETITIONER_WINDOWS,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    EventKind,
)
from ..sections import case_pages_changed

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

# Each petitioner's window, and the statuses in which its lapse closes the case (transitions
# that `TRANSITIONS` allows).
CLOSES_FROM: dict[str, frozenset[str]] = {
    DeadlineKind.REVIEW_REQUEST: frozenset({CaseStatus.REPLIED, CaseStatus.EVALUATED}),
    DeadlineKind.REREVIEW_REQUEST: frozenset({CaseStatus.REVIEWED}),
}


@dataclass
class ClosingResult:
    closed: int = 0
    # Windows that lapsed on a case in no state to close (none in a consistent database):
    # stopped all the same, so that they are not read again.
    lapsed_only: int = 0


Window = tuple[int, int, str, datetime.date]  # (clock id, case id, kind, due_on)


def lapsed_windows(today: datetime.date, limit: int) -> list[Window]:
    """The petitioner's open windows whose last day is before `today`, oldest first."""
    return list(
        Deadline.objects.filter(kind__in=PETITIONER_WINDOWS, met_at__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list("pk", "case_id", "kind", "due_on")[:limit]
    )


def cases_close_lapsed(
    *, today: datetime.date | None = None, batch_size: int = BATCH_SIZE
) -> ClosingResult:
    """Close every case whose review or re-review request window ended before `today`
    without a request, dated on the window's last day, with a `CLOSED` event. Idempotent:
    a second run finds no open window past its end and changes nothing."""
    today = today or timezone.localdate()
    result = ClosingResult()
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            windows = [row for row in lapsed_windows(today, batch_size) if row[0] not in seen]
            if not windows:
                break
            seen.update(row[0] for row in windows)
            _close(windows, today, result)
    if result.closed or result.lapsed_only:
        logger.info("closing %s: %s", today, result)
    return result


def _close(candidates: list[Window], today: datetime.date, result: ClosingResult) -> None:
    # Lock first, in id order (two runs never wait on each other in a circle), then read the
    # windows again: only what is still true under the lock is acted on.
    case_ids = sorted({case_id for _pk, case_id, _kind, _due in candidates})
    statuses = dict(
        Case.objects.select_for_update()
        .filter(pk__in=case_ids)
        .order_by("pk")
        .values_list("pk", "status")
    )
    windows = list(
        Deadline.objects.filter(
            pk__in=[pk for pk, *_rest in candidates], met_at__isnull=True, due_on__lt=today
        )
        .order_by("due_on", "pk")
        .values_list("pk", "case_id", "kind", "due_on")
    )
    if not windows:
        return
    now = timezone.now()
    Deadline.objects.filter(pk__in=[pk for pk, *_rest in windows]).update(met_at=now, lapsed=True)
    case_pages_changed()  # no signal for a bulk update
    closing: list[int] = []
    events = []
    for _pk, case_id, kind, due_on in windows:
        status = statuses.get(case_id)
        if status not in CLOSES_FROM[kind]:
            result.lapsed_only += 1
            continue
        statuses[case_id] = CaseStatus.CLOSED
        closing.append(case_id)
        events.append(
            CaseEvent(
                case_id=case_id,
                kind=EventKind.CLOSED,
                old_status=status,
                new_status=CaseStatus.CLOSED,
                comment=_("%(window)s ended on %(date)s without a request.")
                % {"window": DeadlineKind(kind).label, "date": due_on.isoformat()},
                data={"window": kind, "due_on": due_on.isoformat()},
                effective_on=due_on,
            )
        )
    # One statement for the batch: each case's latest step becomes its window's last day
    # (the window just marked lapsed), unless a later step was entered before the job ran.
    window_end = (
        Deadline.objects.filter(case=OuterRef("pk"), kind__in=PETITIONER_WINDOWS, lapsed=True)
        .order_by("-due_on")
        .values("due_on")[:1]
    )
    Case.objects.filter(pk__in=closing).update(
        status=CaseStatus.CLOSED,
        last_step_on=Greatest(F("last_step_on"), Subquery(window_end)),
        updated_at=now,
    )
    CaseEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    result.closed += len(events)
