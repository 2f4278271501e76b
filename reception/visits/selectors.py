"""Reads of field visits (下访), scoped by the user's area."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import units_visible_to
from cases.selectors import cases_visible_to

from ..models import FieldVisit, FieldVisitCase


def field_visits_visible_to(user: User) -> QuerySet[FieldVisit]:
    """Visits of leaders whose unit lies in the user's area, and the user's own."""
    return FieldVisit.objects.filter(
        Q(leader__org_unit__in=units_visible_to(user)) | Q(leader=user)
    )


def field_visit_list(*, user: User) -> QuerySet[FieldVisit]:
    """The visits in scope, newest first, with the leader, who recorded it and the cases
    taken along that the user may see: three queries for a page of any length."""
    return (
        field_visits_visible_to(user)
        .select_related("leader__org_unit", "recorded_by")
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=FieldVisitCase.objects.filter(case__in=cases_visible_to(user))
                .select_related("case")
                .order_by("pk"),
                to_attr="visible_cases",
            )
        )
        .order_by("-date", "-pk")
    )


def field_visit_detail(*, user: User, pk: int) -> FieldVisit:
    """One visit in scope (FieldVisit.DoesNotExist otherwise)."""
    return field_visit_list(user=user).get(pk=pk)


def leaders_for_visits(user: User) -> QuerySet[User]:
    """Leaders a user may record a visit for: themself if a leader; for reception staff and
    handlers, the leaders of units in their area."""
    leaders = User.objects.filter(is_active=True, groups__name=Role.LEADER)
    if user.has_role(Role.RECEPTION, Role.HANDLER):
        leaders = leaders.filter(Q(org_unit__in=units_visible_to(user)) | Q(pk=user.pk))
    else:
        leaders = leaders.filter(pk=user.pk)
    return leaders.select_related("org_unit").order_by("org_unit__path", "username").distinct()
