"""Dispute screening: every read, scoped by the user's units (a unit and its subtree)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to

from ..models import ACTIVE_DISPUTE_STATUSES, DisputeItem, ScreeningReport, ScreeningRound


def _visible(user: User) -> QuerySet:
    return units_visible_to(user).values("pk")


def rounds_visible_to(user: User) -> QuerySet[ScreeningRound]:
    """Rounds organised in the user's area, or asking a unit of it to report."""
    visible = _visible(user)
    asking = ScreeningReport.objects.filter(unit__in=visible).values("round")
    return ScreeningRound.objects.filter(Q(organizing_unit__in=visible) | Q(pk__in=asking))


def round_list(user: User) -> QuerySet[ScreeningRound]:
    """The rounds with their counts of reports expected, submitted and late (one query)."""
    return (
        rounds_visible_to(user)
        .select_related("organizing_unit")
        .annotate(
            expected=Count("reports"),
            submitted=Count("reports", filter=Q(reports__submitted_at__isnull=False)),
            nil=Count("reports", filter=Q(reports__nothing_found=True)),
        )
        .order_by("-due_on", "-pk")
    )


def round_detail(*, user: User, pk: int) -> ScreeningRound:
    return rounds_visible_to(user).select_related("organizing_unit", "opened_by").get(pk=pk)


def round_reports(user: User, round_: ScreeningRound) -> list[ScreeningReport]:
    """The round's reports the user sees (all of them for its organiser's area), by unit."""
    reports = ScreeningReport.objects.filter(round=round_).select_related("unit", "submitted_by")
    if not round_list(user).filter(pk=round_.pk, organizing_unit__in=_visible(user)).exists():
        reports = reports.filter(unit__in=_visible(user))
    return list(reports.order_by("unit__path"))


def report_detail(*, user: User, pk: int) -> ScreeningReport:
    visible = _visible(user)
    return (
        ScreeningReport.objects.filter(Q(unit__in=visible) | Q(round__organizing_unit__in=visible))
        .select_related("round", "round__organizing_unit", "unit", "submitted_by")
        .get(pk=pk)
    )


def report_list(user: User) -> QuerySet[ScreeningReport]:
    """The reports of the units of the user's area, the most recently due first."""
    return (
        ScreeningReport.objects.filter(unit__in=_visible(user))
        .select_related("round", "unit")
        .order_by("-due_on", "unit__path", "pk")
    )


def reports_awaiting(user: User) -> QuerySet[ScreeningReport]:
    """The reports the user's own unit still owes (for its work list)."""
    unit = user.org_unit
    if unit is None:
        return ScreeningReport.objects.none()
    return (
        ScreeningReport.objects.filter(unit=unit, submitted_at__isnull=True)
        .select_related("round")
        .order_by("due_on", "pk")
    )


def reports_late(user: User, today: datetime.date) -> QuerySet[ScreeningReport]:
    """Reports past due and not submitted, in the user's area: the supervisor's late list."""
    return (
        ScreeningReport.objects.filter(
            unit__in=_visible(user), submitted_at__isnull=True, due_on__lt=today
        )
        .select_related("round", "unit")
        .order_by("due_on", "unit__path")
    )


def disputes_visible_to(user: User) -> QuerySet[DisputeItem]:
    """Disputes found by, or the responsibility of, a unit in the user's area."""
    visible = _visible(user)
    return DisputeItem.objects.filter(
        Q(unit__in=visible) | Q(responsible_unit__in=visible) | Q(reported_to__in=visible)
    )


def dispute_list(user: User) -> QuerySet[DisputeItem]:
    return (
        disputes_visible_to(user)
        .select_related("unit", "responsible_unit")
        .order_by("-found_on", "-pk")
    )


def dispute_detail(*, user: User, pk: int) -> DisputeItem:
    return (
        disputes_visible_to(user)
        .select_related(
            "unit", "responsible_unit", "reported_to", "report__round", "petition", "created_by"
        )
        .get(pk=pk)
    )


def in_area(queryset: QuerySet[DisputeItem], unit: OrgUnit) -> QuerySet[DisputeItem]:
    """Disputes whose responsible unit is `unit` or below it."""
    return queryset.filter(responsible_unit__path__startswith=unit.path)


def active_overdue(queryset: QuerySet[DisputeItem], today: datetime.date):
    return queryset.filter(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=today)
