"""The backlog ledger's filters, shared by the page, the export, the API and the dashboard's
drill-downs (each tile's link names exactly the rows it counts)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.filters import AreaFilterSet, area_filter
from accounts.models import User
from cases.models import Case
from core.filters import DayFilter, YesNoAll
from core.forms import UserChoiceField

from ..models import BacklogEntry, BacklogStatus
from .selectors import group_case, overdue, sponsors_on_ledger


@extend_schema_field(OpenApiTypes.STR)
class SponsorFilter(django_filters.ModelChoiceFilter):
    """A leader by user name, shown with their unit."""

    field_class = UserChoiceField


class BacklogFilter(AreaFilterSet):
    area_field = "lead_unit"
    area = area_filter()
    status = django_filters.MultipleChoiceFilter(choices=BacklogStatus.choices, label=_("State"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        widget=YesNoAll,
        label=_("Overdue"),
        help_text=_("Still on the ledger after its time limit."),
    )
    group = django_filters.BooleanFilter(
        method="filter_group",
        widget=YesNoAll,
        label=_("Group case"),
        help_text=_("A petition of the case is a group visit (群体性积案)."),
    )
    sponsored = django_filters.BooleanFilter(
        field_name="sponsoring_leader",
        lookup_expr="isnull",
        exclude=True,
        widget=YesNoAll,
        label=_("Has a sponsoring leader"),
    )
    sponsor = SponsorFilter(
        field_name="sponsoring_leader",
        to_field_name="username",
        queryset=User.objects.none(),
        label=_("Sponsoring leader"),
        empty_label=_("Any"),
        help_text=_("A leader's user name."),
    )
    placed_from = DayFilter(field_name="placed_on", lookup_expr="gte", label=_("Put on from"))
    placed_to = DayFilter(field_name="placed_on", lookup_expr="lte", label=_("Put on to"))
    ended_from = DayFilter(field_name="ended_on", lookup_expr="gte", label=_("Off the ledger from"))
    ended_to = DayFilter(field_name="ended_on", lookup_expr="lte", label=_("Off the ledger to"))
    on_ledger_from = DayFilter(
        method="filter_on_ledger_from",
        label=_("On the ledger from"),
        help_text=_("Not off the ledger before this day."),
    )
    on_ledger_to = DayFilter(
        field_name="placed_on",
        lookup_expr="lte",
        label=_("On the ledger to"),
        help_text=_("Put on the ledger by this day."),
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, label=_("Sheet or case number, or summary")
    )

    class Meta:
        model = BacklogEntry
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and self.user.is_authenticated:
            self.filters["sponsor"].queryset = sponsors_on_ledger(self.user)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = overdue(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_group(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(group_case()) if value else queryset.exclude(group_case())

    def filter_on_ledger_from(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=value))

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number=value) | Q(case__number=value) | Q(case__summary__icontains=value)
        )


class CandidateFilter(AreaFilterSet):
    """积案 not yet on the ledger, by the case's owner unit."""

    area_field = "owner_unit"
    area = area_filter()
    group = django_filters.BooleanFilter(
        method="filter_group", widget=YesNoAll, label=_("Group case")
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_group(self, queryset, name, value):
        if value is None:
            return queryset
        condition = group_case("pk")
        return queryset.filter(condition) if value else queryset.exclude(condition)
