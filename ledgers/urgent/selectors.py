"""Major and urgent matters: every read, scoped. A report is seen by the area of its reporting
unit and by the areas of the units it went to (the government above sees it as a recipient);
never by a unit its case accuses (Art. 30)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.selectors import units_visible_to
from cases.models import Case
from cases.selectors.accusations import hidden_from

from ..models import UrgentRecipient, UrgentReport


def reports_visible_to(user: User) -> QuerySet[UrgentReport]:
    visible = units_visible_to(user).values("pk")
    received = UrgentRecipient.objects.filter(report=OuterRef("pk"), unit__in=visible)
    return UrgentReport.objects.filter(Q(reporting_unit__in=visible) | Exists(received)).exclude(
        hidden_from(user, prefix="case__")
    )


def report_list(user: User) -> QuerySet[UrgentReport]:
    return (
        reports_visible_to(user)
        .select_related("case", "reporting_unit")
        .order_by("-flagged_at", "-pk")
    )


def report_detail(*, user: User, pk: int) -> UrgentReport:
    return (
        reports_visible_to(user)
        .select_related("case", "reporting_unit", "flagged_by", "issued_by")
        .get(pk=pk)
    )


def case_reports(*, user: User, case: Case) -> list[UrgentReport]:
    """A case's reports the user sees (the case panel): seeing the case is not enough, a
    report another level flagged on it goes to that level's recipients only."""
    return list(
        reports_visible_to(user)
        .filter(case=case)
        .select_related("reporting_unit")
        .prefetch_related("recipients__unit")
        .order_by("-flagged_at", "-pk")
    )
