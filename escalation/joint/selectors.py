"""Reads of five-party joint supervision: which supervisions a user sees, the board with each
party's state and days left, and the user's own party tasks. Every list is a fixed number
of queries whatever its length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import acted_unit_ids
from cases.selectors import cases_visible_to
from cases.selectors.accusations import hidden_from

from ..models import JointParty, JointReport, JointStatus, JointSupervision


class PartyState(models.TextChoices):
    NOT_REPORTED = "not_reported", _("Not reported")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


def supervisions_visible_to(user: User) -> QuerySet[JointSupervision]:
    """Supervisions on a case the user sees, or with a party the user acts for (the
    stability, judicial and discipline offices do not see the case itself, only their task);
    never one on an accusation against the user's unit or a unit above it."""
    if not user.is_authenticated:
        return JointSupervision.objects.none()
    mine = JointParty.objects.filter(supervision=OuterRef("pk"), unit_id__in=acted_unit_ids(user))
    return JointSupervision.objects.filter(
        Q(case__in=cases_visible_to(user).values("pk")) | Exists(mine)
    ).exclude(hidden_from(user, prefix="case__"))


def _parties_with_progress() -> QuerySet[JointParty]:
    return (
        JointParty.objects.select_related("unit")
        .annotate(report_count=Count("reports"), last_reported_on=Max("reports__reported_on"))
        .order_by("pk")
    )


@dataclass(frozen=True)
class PartyRow:
    """A party as the board shows it."""

    party: JointParty
    state: str
    days_left: int | None  # calendar days to the due date (negative: overdue); None when done

    @property
    def state_label(self) -> str:
        return str(PartyState(self.state).label)

    @property
    def supervision(self) -> JointSupervision:
        return self.party.supervision


def party_state(party: JointParty, report_count: int, today: datetime.date) -> str:
    if party.done_on is not None:
        return PartyState.DONE
    if party.due_on < today:
        return PartyState.OVERDUE
    return PartyState.IN_PROGRESS if report_count else PartyState.NOT_REPORTED


def party_row(party: JointParty, today: datetime.date, report_count: int | None = None) -> PartyRow:
    """The row of a party annotated by `_parties_with_progress` (or with its count given)."""
    count = (
        party.report_count  # type: ignore[attr-defined]  # the annotation
        if report_count is None
        else report_count
    )
    return PartyRow(
        party=party,
        state=party_state(party, count, today),
        days_left=None if party.done_on else (party.due_on - today).days,
    )


def joint_board(
    *, user: User, status: str | None = JointStatus.OPEN, case_number: str | None = None
) -> QuerySet[JointSupervision]:
    """The supervisions the user sees with `status` (open ones oldest first: they have waited
    longest; closed ones latest closed first; `None`: both, newest first), optionally of one
    case, with their case, opening unit and parties (with report counts) loaded: two
    queries."""
    queryset = (
        supervisions_visible_to(user)
        .select_related("case", "opening_unit")
        .prefetch_related(Prefetch("parties", queryset=_parties_with_progress()))
        # Party units that do not see the case get its number, not a link to it.
        .annotate(case_visible=Exists(cases_visible_to(user).filter(pk=OuterRef("case_id"))))
    )
    if case_number:
        queryset = queryset.filter(case__number=case_number)
    if status == JointStatus.OPEN:
        return queryset.filter(status=status).order_by("opened_on", "pk")
    if status == JointStatus.CLOSED:
        return queryset.filter(status=status).order_by("-closed_on", "-pk")
    return queryset.order_by("-opened_on", "-pk")


def board_rows(
    supervisions, today: datetime.date | None = None
) -> list[tuple[JointSupervision, list[PartyRow]]]:
    """Each supervision of the board with its parties' rows (from the prefetched parties)."""
    today = today or timezone.localdate()
    return [(s, [party_row(p, today) for p in s.parties.all()]) for s in supervisions]


def my_party_tasks(*, user: User, limit: int = 50) -> list[PartyRow]:
    """The tasks of the units the user acts for in open supervisions they see, the ones not
    done first and the soonest due first (one query)."""
    units = acted_unit_ids(user)
    if not units:
        return []
    today = timezone.localdate()
    parties = (
        _parties_with_progress()
        .filter(
            unit_id__in=units,
            supervision__status=JointStatus.OPEN,
            supervision__in=supervisions_visible_to(user).values("pk"),
        )
        .select_related("supervision__case")
        .order_by(models.F("done_on").asc(nulls_first=True), "due_on", "pk")[:limit]
    )
    return [party_row(party, today) for party in parties]


def supervision_detail(*, user: User, pk: int) -> JointSupervision:
    """The supervision `pk` if the user sees it, with its parties, their reports (and who
    made them) loaded; raises JointSupervision.DoesNotExist otherwise."""
    reports = JointReport.objects.select_related("reported_by").order_by("reported_on", "pk")
    return (
        supervisions_visible_to(user)
        .select_related("case", "case__owner_unit", "opening_unit", "opened_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=JointParty.objects.select_related("unit", "unit__parent")
                .prefetch_related(Prefetch("reports", queryset=reports))
                .order_by("pk"),
            )
        )
        .get(pk=pk)
    )


def detail_party_rows(supervision: JointSupervision, today: datetime.date | None = None):
    """The detail's party rows, from its prefetched parties and reports."""
    today = today or timezone.localdate()
    return [
        party_row(party, today, report_count=len(party.reports.all()))
        for party in supervision.parties.all()
    ]


def supervisions_of_case(*, user: User, case_id: int) -> QuerySet[JointSupervision]:
    """The supervisions of a case the user sees, newest first."""
    return supervisions_visible_to(user).filter(case_id=case_id).order_by("-opened_on", "-pk")
