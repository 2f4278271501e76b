"""The unit filter of the list filters (page and API): one of the units the user may see."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters.constants import EMPTY_VALUES

from core.filters import CodeChoiceFilter

from .models import OrgUnit
from .selectors import subtree_ids, units_visible_to


def units_to_choose(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    if request is None:
        return OrgUnit.objects.none()
    return units_visible_to(request.user).order_by("path")


class UnitFilter(CodeChoiceFilter):
    """A unit among those the request's user may see, chosen by its code; keeps the rows whose
    unit `field_name` is that unit or one below it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", units_to_choose)
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}_id__in": subtree_ids(value)})
