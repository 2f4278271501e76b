"""One case, assignment or approval as its page shows it."""

from django.db.models import (
    Prefetch,
    prefetch_related_objects,
)

from accounts.models import User
from accounts.selectors import with_units

from ..models import (
    Approval,
    Assignment,
    Case,
    CaseEvent,
    Deadline,
    Evaluation,
    Reply,
    Review,
    WrittenNotice,
)
from .clocks import due_dates_from_clocks
from .scope import approvals_visible_to, assignments_visible_to, cases_visible_to


def case_detail(*, user: User, number: str) -> Case:
    """The case `number` if `user` may see it; raises Case.DoesNotExist otherwise.
    `case_for_display` adds what its page shows."""
    if "\x00" in number:  # no case has one, and PostgreSQL refuses NUL in a string literal
        raise Case.DoesNotExist
    case = (
        cases_visible_to(user)
        .select_related("sponsoring_leader", "sponsor_staff", "same_matter_as")
        .get(number=number)
    )
    with_units([case], "receiving_unit", "owner_unit", "location_unit", "answering_unit")
    return case


def case_for_display(case: Case) -> Case:
    """Load what the detail page and the API show of a case: its clocks (and the due dates
    from them), assignments, approvals, replies, evaluations, reviews, documents and
    written notices and timeline (one query each)."""
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
        notices_for_display(),
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor", "actor_unit"),
        ),
    )
    due_dates_from_clocks(case)
    return case


def notices_for_display() -> Prefetch:
    """The case's written notices as its page shows them (one query)."""
    return Prefetch(
        "notices",
        queryset=WrittenNotice.objects.select_related("unit", "to_unit", "delivered_by"),
    )


def approval_detail(*, user: User, pk: int) -> Approval:
    return approvals_visible_to(user).select_related("case__owner_unit", "reply").get(pk=pk)


def assignment_detail(*, user: User, pk: int) -> Assignment:
    return assignments_visible_to(user).select_related("case__owner_unit", "lead_unit").get(pk=pk)
