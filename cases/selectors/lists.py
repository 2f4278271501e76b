"""The case lists: the filters of the case list (next due, overdue, 积案, answered, clocks,
category), the user's work queue and the approvals waiting."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import (
    acted_unit_ids,
    units_visible_to,
    with_units,
)
from core.workcalendar import add_months, start_of_day

from ..models import (
    AWAITING_ACCEPTANCE,
    CLOSED_STATUSES,
    IN_WORK_STATUSES,
    Approval,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    Deadline,
    DeadlineKind,
    Reply,
)
from .accusations import hidden_from
from .clocks import (
    clock_state_condition,
    due_soon_limit,
    latest_deadline_due,
    next_open_due,
    open_work_clocks,
    with_due_dates,
)
from .scope import approvals_visible_to, cases_visible_to


def case_list(*, user: User, every_due_date: bool = True) -> QuerySet[Case]:
    """The case list in the user's scope with due dates and petition counts, newest first;
    a constant number of queries whatever its length (a page of it through
    `with_case_names`). `filters.CaseFilter` narrows it.
    Without `every_due_date`, only `next_due` (the list page's one due date column): six
    correlated subqueries fewer for each row."""
    queryset = cases_visible_to(user).select_related("sponsoring_leader")
    if every_due_date:
        queryset = with_due_dates(queryset)
    else:
        queryset = queryset.annotate(next_due=next_open_due())
    return queryset.order_by("-received_at", "-pk")


def with_case_names(cases: Iterable[Case]) -> None:
    """Put on each case its owner unit from the process's reference table, which the list
    does not join."""
    with_units(cases, "owner_unit")


def filter_next_due(
    queryset: QuerySet[Case], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Case]:
    """Cases whose `next_due` (see `next_open_due`) is between `start` and `end` (either
    open): an open clock due in the range and none due before it. Written so, the clocks'
    due-date index finds the few cases; filtering on the annotation computes it for every
    case in scope."""
    open_clocks = open_work_clocks().filter(case=OuterRef("pk"))
    in_range = open_clocks
    if start:
        in_range = in_range.filter(due_on__gte=start)
        queryset = queryset.exclude(Exists(open_clocks.filter(due_on__lt=start)))
    if end:
        in_range = in_range.filter(due_on__lte=end)
    return queryset.filter(Exists(in_range))


def case_ids_of(clocks: QuerySet[Deadline]) -> set[int]:
    """The ids of the cases of `clocks`, read first and matched by id. Open clocks past or
    near their due date are few and found by their partial index, but PostgreSQL estimates
    their number from every clock's due date (31,000 for 5,000 at a million petitions) and,
    joined, hashes them against a scan of every case."""
    return set(clocks.values_list("case_id", flat=True).order_by())


def filter_overdue(queryset: QuerySet[Case], overdue: bool) -> QuerySet[Case]:
    """Cases with (or without) a clock of the units' work past its due date."""
    late = open_work_clocks().filter(due_on__lt=timezone.localdate())
    condition = ReadFirst("pk", late.values("case_id").order_by())
    return queryset.filter(condition) if overdue else queryset.exclude(condition)


class ReadFirst(Func):
    """`field` among the values of `subquery`, read first, on PostgreSQL as `= ANY(ARRAY(
    subquery))`: one uncorrelated read the list's plan then probes the primary key with,
    as `case_ids_of` does (see there why not a join), without the round trip of the ids
    through Python and their thousands of parameters in each of the list's two queries (a
    hundred milliseconds for a city's 5,000 overdue cases). Elsewhere an IN subquery."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, arg_joiner=" IN ", template="%(expressions)s", **extra_context
        )

    def __init__(self, field: str, subquery: QuerySet):
        super().__init__(F(field), Subquery(subquery))


# 积案 (backlog): still in work after this many months, or this many petitions in this many
# years on a case that is not closed.
BACKLOG_OPEN_MONTHS = 6


BACKLOG_PETITIONS = 3


BACKLOG_PETITION_YEARS = 2


def backlog_condition(today: datetime.date | None = None) -> Q:
    """积案: a case still in work more than `BACKLOG_OPEN_MONTHS` months after it was first
    received, or a case not closed with `BACKLOG_PETITIONS` or more petitions received in the
    last `BACKLOG_PETITION_YEARS` years. The dashboards count, and the case list filters, by
    this one condition."""
    today = today or timezone.localdate()
    since = start_of_day(add_months(today, -12 * BACKLOG_PETITION_YEARS))
    # Counted per case, and only for the cases not closed whose stored petition facts allow
    # it (few): grouping two years of every case's petitions first takes a second on a large
    # city's data.
    recent = (
        Case.objects.filter(pk=OuterRef("pk"), petitions__received_at__gte=since)
        .order_by()
        .values("pk")
        .annotate(n=Count("petitions"))
        .filter(n__gte=BACKLOG_PETITIONS)
    )
    # Q & Exists is a Q (the stubs say Combinable).
    frequent = cast(
        Q, Q(petition_count__gte=BACKLOG_PETITIONS, last_received_at__gte=since) & Exists(recent)
    )
    long_open = Q(
        status__in=IN_WORK_STATUSES,
        received_at__lt=start_of_day(add_months(today, -BACKLOG_OPEN_MONTHS)),
    )
    # Sorted as in the index `case_not_closed`, which the database uses only for the same list.
    not_closed = ~Q(status__in=sorted(CLOSED_STATUSES))
    return not_closed & (long_open | frequent)


# The ledger of 积案 that the dashboards' rollup keeps (`backlog_condition` as of its last
# refresh), registered by that app: a queryset of case ids. The case list's filter reads it,
# so that it holds what the dashboard counts and costs an index probe; evaluated live, the
# condition reads two years of petitions (a second at a million).
BacklogLedger = Callable[[], QuerySet]
_backlog_ledger: list[BacklogLedger] = []


def register_backlog_ledger(ledger: BacklogLedger) -> None:
    _backlog_ledger[:] = [ledger]


def filter_backlog(queryset: QuerySet[Case], backlog: bool) -> QuerySet[Case]:
    """积案 as the ledger has them, or by the condition where no ledger is kept."""
    condition = Q(pk__in=_backlog_ledger[0]()) if _backlog_ledger else backlog_condition()
    return queryset.filter(condition) if backlog else queryset.exclude(condition)


def filter_answered(
    queryset: QuerySet[Case], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Case]:
    """Cases whose answer reached the petitioner between `start` and `end` (either open)."""
    delivered = Reply.objects.filter(case=OuterRef("pk"), delivered_on__isnull=False)
    if start:
        delivered = delivered.filter(delivered_on__gte=start)
    if end:
        delivered = delivered.filter(delivered_on__lte=end)
    return queryset.filter(Exists(delivered))


def filter_clocks(
    queryset: QuerySet[Case],
    *,
    kinds: tuple[str, ...],
    unit_ids: list[int] | None = None,
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    state: str | None = None,
    dense: bool = False,
) -> QuerySet[Case]:
    """Cases with one clock of `kinds` (the case's own, not an assignment's) that has all
    of: its responsible unit among `unit_ids`, its due date between the dates, `state`.
    A case is listed once even with two such clocks (a forwarded case's decisions by both
    offices due the same week), where a rate over clocks counts both.

    `dense`: the clocks are those of the whole list's scope (the dashboard's rate drilled
    down for the user's own area), so that most cases received before `due_to` have one.
    The list then walks its cases newest first from `due_to` and probes each case's clocks
    (`ProbedExists`), stopping at its page and at the capped count. As a semi-join,
    PostgreSQL estimates such clocks at a fifth of their number (it cannot know how many
    are met on time) and hashes every one of them against a scan of every case, sorting
    the ~200,000 found for a city's year (600 ms where the walk takes 70)."""
    clocks = Deadline.objects.filter(case=OuterRef("pk"), kind__in=kinds, assignment__isnull=True)
    if unit_ids is not None:
        clocks = clocks.filter(responsible_unit_id__in=unit_ids)
    if due_from:
        clocks = clocks.filter(due_on__gte=due_from)
    if due_to:
        clocks = clocks.filter(due_on__lte=due_to)
    if state:
        clocks = clocks.filter(clock_state_condition(state, timezone.localdate()))
    if not dense:
        return queryset.filter(Exists(clocks))
    if due_to:
        # Implied by the clocks' dates: a case's own clock starts on or after the day the
        # case was received and is due on or after it starts. Bounds the walk, which then
        # starts at the period's end rather than at the newest case.
        queryset = queryset.filter(
            received_at__lt=start_of_day(due_to + datetime.timedelta(days=1))
        )
    return queryset.filter(ProbedExists(clocks))


class ProbedExists(Exists):
    """EXISTS as a condition PostgreSQL evaluates for each row it reads (a subplan probing
    an index), never as a join it plans nor as a hashed subplan: either would read every
    matching row first. An OFFSET (even 0) keeps PostgreSQL from turning the EXISTS into
    either (`simplify_EXISTS_query`); the rows are the same."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def filter_category(queryset: QuerySet[Case], code: str) -> QuerySet[Case]:
    """Cases with a petition in the category `code` or below it."""
    in_category = Case.objects.filter(pk=OuterRef("pk"), petitions__category__code__startswith=code)
    return queryset.filter(Exists(in_category))


@dataclass
class Queue:
    """The user's work lists: each a queryset ready to display (a query each)."""

    to_accept: QuerySet[Case]
    to_sign: QuerySet[Assignment]
    due_soon: QuerySet[Deadline]
    overdue: QuerySet[Deadline]
    to_approve: QuerySet[Approval]
    sponsored: QuerySet[Case]


def my_queue(*, user: User, limit: int = 50) -> Queue:
    """What waits for the user: cases to accept and assignments to sign for (handlers of
    the unit), clocks of the user's units due soon or overdue, approvals and the open cases
    they sponsor (leaders)."""
    units = acted_unit_ids(user)
    visible = cases_visible_to(user)
    today = timezone.localdate()
    is_handler = user.has_role(Role.HANDLER)
    to_accept = (
        visible.filter(status__in=AWAITING_ACCEPTANCE, owner_unit__in=units)
        if is_handler
        else Case.objects.none()
    )
    to_sign = (
        Assignment.objects.filter(lead_unit__in=units, status=AssignmentStatus.ASSIGNED).exclude(
            hidden_from(user, prefix="case__")
        )
        if is_handler
        else Assignment.objects.none()
    )
    clocks = (
        open_work_clocks()
        .filter(responsible_unit__in=units, case__in=visible.values("pk"))
        .select_related("case", "responsible_unit", "assignment__lead_unit")
        .order_by("due_on", "pk")
    )
    to_approve = approvals_awaiting(user)
    return Queue(
        to_accept=to_accept.select_related("owner_unit")
        .annotate(acceptance_due=latest_deadline_due(DeadlineKind.ACCEPTANCE))
        .order_by("received_at", "pk")[:limit],
        to_sign=to_sign.select_related("case", "assigning_unit", "lead_unit").order_by(
            "due_on", "pk"
        )[:limit],
        due_soon=clocks.filter(due_on__gte=today, due_on__lte=due_soon_limit(today))[:limit],
        overdue=clocks.filter(due_on__lt=today)[:limit],
        to_approve=to_approve[:limit],
        sponsored=visible.filter(sponsoring_leader=user)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("owner_unit", "sponsor_staff")
        .annotate(next_due=next_open_due())
        .order_by("sponsor_due_on", "pk")[:limit],
    )


def approvals_awaiting(user: User) -> QuerySet[Approval]:
    """Pending approvals a leader may decide (those on cases whose owner unit is in the
    leader's scope, as `permissions.can_approve` requires), oldest first."""
    if not user.has_role(Role.LEADER):
        return Approval.objects.none()
    return (
        approvals_visible_to(user)
        .filter(status=ApprovalStatus.PENDING, case__owner_unit__in=units_visible_to(user))
        .select_related("case__owner_unit", "requested_by", "reply")
        .order_by("requested_on", "pk")
    )


def approval_list(*, user: User, status: str | None = ApprovalStatus.PENDING) -> QuerySet[Approval]:
    """Approvals on cases in the user's scope (pending ones by default), oldest first."""
    queryset = approvals_visible_to(user).select_related(
        "case__owner_unit", "requested_by", "decided_by", "reply"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_on", "pk")
