"""The joint supervision board's filters (the dashboard's figures drill down to them): the
area of the opening unit and the days the supervisions were opened."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from core.filters import CodeChoiceFilter, DayFilter

from ..models import JointSupervision

# The board's third tab: open and closed together (what the dashboard's count drills down to).
ALL = "all"


class JointFilter(django_filters.FilterSet):
    area = CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_area",
        label=_("Opened by (area)"),
        empty_label=_("My whole area"),
    )
    opened_from = DayFilter(field_name="opened_on", lookup_expr="gte", label=_("Opened from"))
    opened_to = DayFilter(field_name="opened_on", lookup_expr="lte", label=_("Opened to"))

    class Meta:
        model = JointSupervision
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["area"].queryset = units_visible_to(user).filter(is_active=True)

    def filter_area(self, queryset, name, unit):
        return queryset.filter(opening_unit__path__startswith=unit.path) if unit else queryset
