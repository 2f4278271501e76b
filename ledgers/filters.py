"""What the ledgers' list filters share: a list narrowed to a unit of the user's area."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from core.filters import CodeChoiceFilter


class AreaFilterSet(django_filters.FilterSet):
    """A list of rows narrowed to a unit of the user's area (and the units below it)."""

    area_field = "unit"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The page passes the user; the API's filter backend passes the request.
        user = user or getattr(self.request, "user", None)
        if user is not None:
            self.filters["area"].queryset = units_visible_to(user).filter(is_active=True)
        self.user = user

    def filter_area(self, queryset, name, unit):
        if not unit:
            return queryset
        return queryset.filter(**{f"{self.area_field}__path__startswith": unit.path})


def area_filter() -> CodeChoiceFilter:
    return CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_area",
        label=_("Area"),
        empty_label=_("My whole area"),
        help_text=_("A unit's code: that unit and the units below it."),
    )
