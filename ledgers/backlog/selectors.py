"""The backlog ledger (积案台账): every read, scoped by the user's units.

An entry is seen by whoever sees its case (`cases.selectors.cases_visible_to`: the units the
case reaches and those above them), by the lead unit's area and by its sponsoring leader, and
never by a unit the case accuses, nor by anyone below it (Art. 30, `hidden_from`), whatever
else brings it into their scope."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import EVERY_UNIT, scope_path, scope_root_id, units_visible_to
from cases.models import Case
from cases.selectors import cases_visible_to, filter_backlog
from cases.selectors.accusations import hidden_from
from cases.selectors.scope import case_ids_reaching
from petitions.models import Petition

from ..models import BacklogEntry, BacklogStatus


def group_case(case_field: str = "case") -> Exists:
    """Rows whose case (`case_field`, "pk" on cases) has a group-visit petition (群体性)."""
    return Exists(Petition.objects.filter(case=OuterRef(case_field), is_group=True))


def entries_visible_to(user: User) -> QuerySet[BacklogEntry]:
    entries = BacklogEntry.objects.all()
    root = scope_root_id(user)
    if root != EVERY_UNIT:
        reaching = case_ids_reaching(root) if root is not None else []
        entries = entries.filter(
            Q(case__in=reaching)
            | Q(lead_unit__in=units_visible_to(user).values("pk"))
            | Q(sponsoring_leader_id=user.pk)
        )
    return entries.exclude(hidden_from(user, prefix="case__"))


def entry_list(user: User) -> QuerySet[BacklogEntry]:
    """The ledger the user sees, the newest first, with what a row shows (one query)."""
    return (
        entries_visible_to(user)
        .select_related("case", "lead_unit", "sponsoring_leader")
        .annotate(group=group_case())
        .order_by("-placed_on", "-pk")
    )


def entry_detail(*, user: User, pk: int) -> BacklogEntry:
    return (
        entries_visible_to(user)
        .select_related(
            "case",
            "case__owner_unit",
            "lead_unit",
            "placing_unit",
            "placed_by",
            "sponsoring_leader",
            "ended_by",
        )
        .annotate(group=group_case())
        .get(pk=pk)
    )


def progress_reports(entry: BacklogEntry) -> list:
    return list(
        entry.progress_reports.select_related("unit", "reported_by").order_by("reported_on", "pk")
    )


def open_entry_case_ids() -> QuerySet:
    return BacklogEntry.objects.filter(status=BacklogStatus.OPEN).values("case_id")


def backlog_candidates(user: User) -> QuerySet[Case]:
    """积案 not on the ledger: the cases the user sees that meet the backlog rule (as the
    dashboards' rollup last counted them, as the case list's `backlog` filter does) and have
    no open entry, the oldest first, with what a row shows (one query)."""
    return (
        filter_backlog(cases_visible_to(user), True)
        .exclude(pk__in=open_entry_case_ids())
        .select_related("owner_unit", "sponsoring_leader")
        .annotate(group=group_case("pk"))
        .order_by("received_at", "pk")
    )


def sponsor_choices(user: User) -> QuerySet[User]:
    """The leaders a supervisor may name as sponsor (包案领导): active leaders of a unit in
    their area or above it (the service checks the one chosen the same way)."""
    # (The schema's generation asks as an anonymous user, who has no unit.)
    unit = getattr(user, "org_unit", None)
    if unit is None:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, groups__name=Role.LEADER)
        .filter(
            Q(org_unit__path__startswith=scope_path(unit)) | Q(org_unit_id__in=unit.ancestor_ids)
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name", "pk")
        .distinct()
    )


def sponsors_on_ledger(user: User) -> QuerySet[User]:
    """The leaders who sponsor an entry the user sees (the list's sponsor filter)."""
    return (
        User.objects.filter(pk__in=entries_visible_to(user).values("sponsoring_leader"))
        .select_related("org_unit")
        .order_by("last_name", "first_name", "pk")
    )


def in_area(queryset: QuerySet[BacklogEntry], unit: OrgUnit) -> QuerySet[BacklogEntry]:
    """Entries whose lead unit is `unit` or below it."""
    return queryset.filter(lead_unit__path__startswith=unit.path)


def overdue(today: datetime.date) -> Q:
    """Open entries past their time limit."""
    return Q(status=BacklogStatus.OPEN, due_on__lt=today)


def on_ledger_during(start: datetime.date, end: datetime.date) -> Q:
    """Entries on the ledger at some time from `start` to `end`: put on by `end`, and not off
    it before `start` (the carried over and the new)."""
    return Q(placed_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def lead_units_taking_part(case: Case, units: QuerySet) -> QuerySet[BacklogEntry]:
    """Entries of `case` that one of `units` leads (`register_participation`)."""
    return BacklogEntry.objects.filter(case=case, lead_unit__in=units)
