"""The due dates of a case's clocks, as annotations on a list or read from a loaded case, and
the rules they count by."""

import datetime

from django.conf import settings
from django.db.models import (
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.workcalendar import Counting, due_date

from ..models import (
    ANSWER_CLOCKS,
    PETITIONER_WINDOWS,
    Case,
    Deadline,
    DeadlineKind,
    DeadlineRule,
)


def open_deadline_due(kind: str | tuple[str, ...]) -> Subquery:
    """Annotation: the due date of the case's open clock of `kind` (or one of the kinds)."""
    kinds = (kind,) if isinstance(kind, str) else kind
    return Subquery(
        Deadline.objects.filter(
            case=OuterRef("pk"), kind__in=kinds, met_at__isnull=True, assignment__isnull=True
        ).values("due_on")[:1]
    )


def latest_deadline_due(kind: str | tuple[str, ...]) -> Subquery:
    """Annotation: the due date of the case's latest clock of `kind`, open or met."""
    kinds = (kind,) if isinstance(kind, str) else kind
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), kind__in=kinds, assignment__isnull=True)
        .order_by("-starts_on", "-pk")
        .values("due_on")[:1]
    )


# The due dates shown in lists, on the detail and in the API: the latest clock of these kinds.
DUE_DATES: dict[str, tuple[str, ...]] = {
    "acceptance_due": (DeadlineKind.ACCEPTANCE,),
    "handling_due": ANSWER_CLOCKS,
    "review_request_due": (DeadlineKind.REVIEW_REQUEST,),
    "review_due": (DeadlineKind.REVIEW,),
    "rereview_request_due": (DeadlineKind.REREVIEW_REQUEST,),
    "rereview_due": (DeadlineKind.REREVIEW,),
}


def next_open_due() -> Subquery:
    """Annotation: the earliest due date among the case's open clocks of the units' work."""
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True)
        .exclude(kind__in=PETITIONER_WINDOWS)
        .order_by("due_on")
        .values("due_on")[:1]
    )


def with_due_dates(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case of a list with its `DUE_DATES` and `next_due` (the earliest open
    clock of the units' work)."""
    return queryset.annotate(
        **{name: latest_deadline_due(kinds) for name, kinds in DUE_DATES.items()},
        next_due=next_open_due(),
    )


def due_dates_from_clocks(case: Case) -> None:
    """Set the due dates `with_due_dates` annotates, from the case's prefetched clocks: the
    detail loads them anyway, and this spares its query eight subqueries."""
    clocks = sorted(case.deadlines.all(), key=lambda clock: (clock.starts_on, clock.pk))
    for name, kinds in DUE_DATES.items():
        latest = [c for c in clocks if c.kind in kinds and c.assignment_id is None]
        setattr(case, name, latest[-1].due_on if latest else None)
    case.next_due = min(  # type: ignore[attr-defined]  # an annotation, not a field
        (c.due_on for c in clocks if c.met_at is None and c.kind not in PETITIONER_WINDOWS),
        default=None,
    )


def acceptance_due_of(case: Case) -> datetime.date | None:
    """The due date of the case's latest acceptance clock."""
    return (
        case.deadlines.filter(kind=DeadlineKind.ACCEPTANCE)
        .order_by("-starts_on", "-pk")
        .values_list("due_on", flat=True)
        .first()
    )


def deadline_rule_for(kind: str, unit: OrgUnit, on: datetime.date) -> DeadlineRule:
    """The rule in force on `on` for `unit`: the most specific jurisdiction above the unit
    (the national default last), and within it the latest effective date."""
    candidates = (
        DeadlineRule.objects.filter(kind=kind, effective_from__lte=on)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=unit.ancestor_ids))
        .select_related("jurisdiction")
    )
    ranked = sorted(
        candidates,
        key=lambda rule: (
            len(rule.jurisdiction.ancestor_ids) if rule.jurisdiction else 0,
            rule.effective_from,
        ),
        reverse=True,
    )
    if not ranked:
        raise DeadlineRule.DoesNotExist(f"No deadline rule for {kind} on {on}.")
    return ranked[0]


def due_soon_limit(today: datetime.date | None = None) -> datetime.date:
    """The last due date that counts as "due soon" today."""
    return due_date(
        today or timezone.localdate(), settings.REMINDER_DUE_SOON_WORKDAYS, Counting.WORKDAYS
    )


def open_work_clocks() -> QuerySet[Deadline]:
    """Open clocks of the units' work (not the petitioner's request windows)."""
    return Deadline.objects.filter(met_at__isnull=True).exclude(kind__in=PETITIONER_WINDOWS)


class ClockState(TextChoices):
    """Where a clock stands, for the rates counted over clocks (及时受理率, 办结率)."""

    COUNTED = "counted", _("Met or past due")
    ON_TIME = "on_time", _("Met on time")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


def clock_state_condition(state: str, today: datetime.date) -> Q:
    """A clock not yet met and not yet past due is not counted: it may still be met on time."""
    conditions: dict[str, Q] = {
        ClockState.COUNTED: Q(met_at__isnull=False) | Q(due_on__lt=today),
        ClockState.ON_TIME: Q(met_on__lte=F("due_on")),
        ClockState.MET: Q(met_at__isnull=False),
        ClockState.MISSED: Q(met_on__gt=F("due_on")) | Q(met_at__isnull=True, due_on__lt=today),
    }
    return conditions[state]
