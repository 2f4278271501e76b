"""The unit filter of the list filters (page and API): one of the units the user may see."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django_filters.constants import EMPTY_VALUES

from core.filters import CodeChoiceFilter

from .models import OrgUnit
from .pickers import UnitSearchSelect, scoped_units, search_url
from .selectors import subtree_ids

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
