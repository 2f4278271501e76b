"""The unit filters of the list filters (page and API): one of the units the user may see
(`UnitFilter`), and a list narrowed to a unit of the user's area (`AreaFilterSet`)."""

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.filters import CodeChoiceFilter

from .models import OrgUnit
from .pickers import UnitSearchSelect, scoped_units, search_url
from .selectors import subtree_ids, units_visible_to

# The list filters' scope: the units whose matters the user sees.
FILTER_SCOPE = "visible"


def units_to_choose(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    if request is None:
        return OrgUnit.objects.none()
    return scoped_units(FILTER_SCOPE, request.user)


class UnitFilter(CodeChoiceFilter):
    """A unit among those the request's user may see, chosen by its code; keeps the rows whose
    unit `field_name` is that unit or one below it. The page's picker renders the unit chosen
    and searches the others (`pickers`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", units_to_choose)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "widget",
            UnitSearchSelect(
                attrs={
                    "data-unit-search": lazy(search_url, str)(FILTER_SCOPE),
                    "data-value-field": "code",
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}_id__in": subtree_ids(value)})


class AreaFilterSet(django_filters.FilterSet):
    """A list of rows narrowed to a unit of the user's area and the units below it: its
    `area` filter (`area_filter`) keeps the rows whose unit at `area_field` is in that unit's
    subtree. The page passes `user`; the API's filter backend passes the request."""

    area_field = "unit"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = user or getattr(self.request, "user", None)
        if user is not None:
            self.filters["area"].queryset = units_visible_to(user).filter(is_active=True)
        self.user = user

    def filter_area(self, queryset, name, unit):
        if not unit:
            return queryset
        return queryset.filter(**{f"{self.area_field}__path__startswith": unit.path})


AREA_HELP = _("A unit's code: that unit and the units below it.")


def area_filter(label=None, help_text=AREA_HELP) -> CodeChoiceFilter:
    """`AreaFilterSet`'s `area`: a unit of the user's area, by its code."""
    return CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_area",
        label=label or _("Area"),
        empty_label=_("My whole area"),
        help_text=help_text,
    )
