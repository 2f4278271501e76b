import datetime
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import (
    acted_unit_ids,
    active_units,
    jurisdiction_path,
    scope_path,
    units_visible_to,
)
from core.workcalendar import Counting, add_months, due_date, start_of_day

from .models import (
    ANSWER_CLOCKS,
    AWAITING_ACCEPTANCE,
    CLOSED_STATUSES,
    IN_WORK_STATUSES,
    PETITIONER_WINDOWS,
    Approval,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseEvent,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    Evaluation,
    Reply,
    Review,
)
from .selectors_accusations import hidden_from


def case_scope_filter(user: User, *, prefix: str = "") -> tuple[Q, Q]:
    """(include, exclude) filters for objects linked to a case: in scope when received by,
    owned by, or assigned (lead or co-unit) to a visible unit, and never when the case
    accuses the user's unit or an ancestor (`selectors_accusations.hidden_from`)."""
    unit_ids = units_visible_to(user).values("pk")
    include = (
        Q(**{f"{prefix}receiving_unit__in": unit_ids})
        | Q(**{f"{prefix}owner_unit__in": unit_ids})
        | Q(**{f"{prefix}pk__in": case_ids_assigned_to(unit_ids)})
    )
    return include, hidden_from(user, prefix=prefix)


def case_ids_assigned_to(unit_ids: QuerySet) -> QuerySet:
    """Ids of the cases assigned to any of `unit_ids`, as lead or co-unit."""
    return Assignment.objects.filter(Q(lead_unit__in=unit_ids) | Q(co_units__in=unit_ids)).values(
        "case_id"
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    include, exclude = case_scope_filter(user)
    return Case.objects.filter(include).exclude(exclude)


def case_numbered(user: User, number: str) -> Case | None:
    """The case numbered `number` among those `user` may see, for a form or API field that
    names one: None for a blank number, a ValidationError for one not found."""
    number = (number or "").strip()
    if not number:
        return None
    case = cases_visible_to(user).filter(number=number).first()
    if case is None:
        raise ValidationError(_("No such case."))
    return case


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


def case_detail(*, user: User, number: str) -> Case:
    """The case `number` if `user` may see it; raises Case.DoesNotExist otherwise.
    `case_for_display` adds what its page shows."""
    if "\x00" in number:  # no case has one, and PostgreSQL refuses NUL in a string literal
        raise Case.DoesNotExist
    return (
        cases_visible_to(user)
        .select_related(
            "receiving_unit",
            "owner_unit",
            "location_unit",
            "answering_unit",
            "sponsoring_leader",
            "sponsor_staff",
            "same_matter_as",
        )
        .get(number=number)
    )


def case_for_display(case: Case) -> Case:
    """Load what the detail page and the API show of a case: its clocks (and the due dates
    from them), assignments, approvals, replies, evaluations, reviews, documents and
    timeline (one query each)."""
    prefetch_related_objects(
        [case],
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.select_related("responsible_unit", "rule").order_by(
                "starts_on", "pk"
            ),
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related(
                "lead_unit", "assigning_unit", "leader", "signed_by", "reported_by"
            ).prefetch_related("co_units", "documents"),
        ),
        Prefetch(
            "approvals",
            queryset=Approval.objects.select_related("requested_by", "decided_by", "reply"),
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("drafted_by", "approved_by", "unit", "agreement"),
        ),
        Prefetch("evaluations", queryset=Evaluation.objects.select_related("recorded_by")),
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related(
                "unit", "decided_by", "document"
            ).prefetch_related("hearings"),
        ),
        "documents",
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor", "actor_unit"),
        ),
    )
    due_dates_from_clocks(case)
    return case


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


def case_list(*, user: User) -> QuerySet[Case]:
    """The case list in the user's scope with due dates and petition counts, newest first;
    a constant number of queries whatever its length. `filters.CaseFilter` narrows it."""
    queryset = cases_visible_to(user).select_related("owner_unit", "sponsoring_leader")
    return with_due_dates(queryset).order_by("-received_at", "-pk")


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
    late = case_ids_of(open_work_clocks().filter(due_on__lt=timezone.localdate()))
    return queryset.filter(pk__in=late) if overdue else queryset.exclude(pk__in=late)


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


def filter_backlog(queryset: QuerySet[Case], backlog: bool) -> QuerySet[Case]:
    condition = backlog_condition()
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


def filter_clocks(
    queryset: QuerySet[Case],
    *,
    kinds: tuple[str, ...],
    unit_ids: list[int] | None = None,
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    state: str | None = None,
) -> QuerySet[Case]:
    """Cases with one clock of `kinds` (the case's own, not an assignment's) that has all
    of: its responsible unit among `unit_ids`, its due date between the dates, `state`.
    A case is listed once even with two such clocks (a forwarded case's decisions by both
    offices due the same week), where a rate over clocks counts both."""
    clocks = Deadline.objects.filter(case=OuterRef("pk"), kind__in=kinds, assignment__isnull=True)
    if unit_ids is not None:
        clocks = clocks.filter(responsible_unit_id__in=unit_ids)
    if due_from:
        clocks = clocks.filter(due_on__gte=due_from)
    if due_to:
        clocks = clocks.filter(due_on__lte=due_to)
    if state:
        clocks = clocks.filter(clock_state_condition(state, timezone.localdate()))
    return queryset.filter(Exists(clocks))


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


def approvals_visible_to(user: User) -> QuerySet[Approval]:
    return Approval.objects.filter(case__in=cases_visible_to(user).values("pk"))


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


def approval_detail(*, user: User, pk: int) -> Approval:
    return approvals_visible_to(user).select_related("case__owner_unit", "reply").get(pk=pk)


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(case__in=cases_visible_to(user).values("pk"))


def assignment_detail(*, user: User, pk: int) -> Assignment:
    return assignments_visible_to(user).select_related("case__owner_unit", "lead_unit").get(pk=pk)


def units_below_owner(case: Case) -> QuerySet[OrgUnit]:
    """Units a case may be assigned to: active units in the owner's area, below it (not the
    owner itself nor a unit above it)."""
    owner = case.owner_unit
    return (
        active_units()
        .filter(path__startswith=jurisdiction_path(owner))
        .exclude(pk__in=[owner.pk, *owner.ancestor_ids])
    )


def leaders_for(case: Case) -> QuerySet[User]:
    """Leaders responsible for the case's owner unit: those of a unit above it or in its
    area."""
    owner = case.owner_unit
    return (
        User.objects.filter(is_active=True, groups__name=Role.LEADER)
        .filter(
            Q(org_unit_id__in=owner.ancestor_ids)
            | Q(org_unit__path__startswith=jurisdiction_path(owner))
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name")
        .distinct()
    )


def staff_for(leader: User) -> QuerySet[User]:
    """Handlers within the leader's scope, who may be named responsible staff (包案责任人)."""
    unit = leader.org_unit
    if unit is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.HANDLER,
            org_unit__path__startswith=scope_path(unit),
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name")
        .distinct()
    )
