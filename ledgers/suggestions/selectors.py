"""People's suggestions (人民建议征集): every read, scoped.

The register (人民建议台账) is the suggestion cases the user sees (`cases_visible_to`, the
same scope as every case list, Art. 30's rule included) that were accepted: each with its
competent (owner) unit, its category (the first petition's), the answer clock's due date
(`suggestion_answer`), and the answer delivered (its date and decision). A suggestion is
studied (研究论证中) until its answer is delivered (已答复); it is late when answered after
its due date or still unanswered past it."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Deadline, DeadlineKind, MatterKind, Reply, ReplyStatus
from cases.selectors import cases_visible_to
from petitions.models import Petition

from ..models import SuggestionCommendation


class SuggestionState:
    """The register's states (the `state` filter's values)."""

    STUDYING = "studying"
    ANSWERED = "answered"


def _delivered_replies() -> QuerySet[Reply]:
    return Reply.objects.filter(case=OuterRef("pk"), status=ReplyStatus.DELIVERED).order_by(
        "-delivered_on", "-pk"
    )


def answered_condition() -> Q:
    """An answer delivered to the suggester."""
    return Q(Exists(Reply.objects.filter(case=OuterRef("pk"), status=ReplyStatus.DELIVERED)))


def late_condition(today: datetime.date | None = None) -> Q:
    """Answered after its answer clock's due date, or still unanswered past it."""
    today = today or timezone.localdate()
    overdue = Deadline.objects.filter(
        case=OuterRef("pk"),
        kind=DeadlineKind.SUGGESTION_ANSWER,
        met_at__isnull=True,
        assignment__isnull=True,
        due_on__lt=today,
    )
    return Q(answered_on_time=False) | Q(Exists(overdue))


def suggestions_visible_to(user: User) -> QuerySet[Case]:
    """The accepted suggestion cases `user` sees."""
    return cases_visible_to(user).filter(
        matter_kind=MatterKind.SUGGESTION, accepted_on__isnull=False
    )


def with_answers(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with its answer's due date (`answer_due`), its answer delivered
    (`answered_on`, `decision`: the reply's opinion) and its category's name (`category_name`)
    as columns of the one query."""
    answer_due = (
        Deadline.objects.filter(
            case=OuterRef("pk"), kind=DeadlineKind.SUGGESTION_ANSWER, assignment__isnull=True
        )
        .order_by("-starts_on", "-pk")
        .values("due_on")[:1]
    )
    category = (
        Petition.objects.filter(case=OuterRef("pk"))
        .order_by("received_at", "pk")
        .values("category__name")[:1]
    )
    return cases.annotate(
        answer_due=Subquery(answer_due),
        answered_on=Subquery(_delivered_replies().values("delivered_on")[:1]),
        decision=Subquery(_delivered_replies().values("opinion")[:1]),
        category_name=Subquery(category),
    )


def suggestion_register(user: User) -> QuerySet[Case]:
    """The register as the page, the export and the API list it: newest first, with the
    owner unit joined and the commendations prefetched (three queries a page, whatever
    its length, with the count)."""
    commendations = SuggestionCommendation.objects.select_related("granting_unit").order_by(
        "granted_on", "pk"
    )
    return (
        with_answers(suggestions_visible_to(user))
        .select_related("owner_unit")
        .prefetch_related(Prefetch("suggestion_commendations", queryset=commendations))
        .order_by("-received_at", "-pk")
    )


def suggestion_detail(*, user: User, pk: int) -> Case:
    """One suggestion of the register (`Case.DoesNotExist` outside the user's scope)."""
    return suggestion_register(user).get(pk=pk)


def case_commendations(case: Case) -> list[SuggestionCommendation]:
    return list(
        SuggestionCommendation.objects.filter(case=case)
        .select_related("granting_unit", "recorded_by")
        .order_by("granted_on", "pk")
    )
