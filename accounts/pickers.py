"""The unit pickers. A province with its villages has some ten thousand units: a page that
listed them all as <option>s would weigh a megabyte. So a picker renders only the unit(s)
chosen, and finds the others as the clerk types, from the units API's `search/`.

What a picker offers is a named scope: a function of the user (and, for a case's forms, the
case's number) giving a queryset. The form field's choices are that queryset and the search
reads the same one, so the server decides validity exactly as before: a unit outside the
field's choices is refused however it was typed in. Apps above register their own scopes
(`register_unit_scope`), as a case's forms do for the units below the case's owner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.forms.models import ModelChoiceIterator
from django.urls import reverse

from .models import OrgUnit, User
from .selectors import active_units, jurisdiction_units, units_visible_to

# The matches one search returns at most, by default and at the most a caller may ask.
SEARCH_LIMIT = 20
SEARCH_LIMIT_MAX = 50

# (user, context) -> units. The context is what the search sends (a string: a case's number)
# or, from a form, the object itself (the case), whose str() is that string.
UnitScope = Callable[[Any, Any], QuerySet[OrgUnit]]
_SCOPES: dict[str, UnitScope] = {}


def register_unit_scope(name: str) -> Callable[[UnitScope], UnitScope]:
    """Registers `function(user, context) -> units` as the scope `name`."""

    def register(function: UnitScope) -> UnitScope:
        _SCOPES[name] = function
        return function

    return register


def unit_scope_names() -> list[str]:
    return sorted(_SCOPES)


def scoped_units(name: str, user: User | None, context: Any = "") -> QuerySet[OrgUnit]:
    """The units of scope `name` for `user` (KeyError for an unknown scope)."""
    return _SCOPES[name](user, context)


@register_unit_scope("visible")
def _visible(user: User, context: Any) -> QuerySet[OrgUnit]:
    """The units whose matters the user sees (the list filters)."""
    return units_visible_to(user).order_by("path")


@register_unit_scope("visible_active")
def _visible_active(user: User, context: Any) -> QuerySet[OrgUnit]:
    return units_visible_to(user).filter(is_active=True).order_by("path")


@register_unit_scope("jurisdiction")
def _jurisdiction(user: User, context: Any) -> QuerySet[OrgUnit]:
    """Active units in the area the user's unit serves (where a matter it receives may be)."""
    return jurisdiction_units(user).filter(is_active=True).order_by("path")


@register_unit_scope("active")
def _active(user: User, context: Any) -> QuerySet[OrgUnit]:
    """Every active unit (the unit with authority, the accused unit)."""
    return active_units()


# --- the search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitMatch:
    """A unit as a picker offers it: its label, and the names above it to tell apart units of
    the same name (升平街道 · 清河区 · 江州市)."""

    id: int
    code: str
    name: str
    label: str
    above: str


def search_units(units: QuerySet[OrgUnit], q: str, *, limit: int = SEARCH_LIMIT) -> list[UnitMatch]:
    """The units of `units` whose name contains `q` or whose code starts with it, names that
    start with it first, then the higher units first; with no `q`, the first ones. Two
    queries however many rows."""
    from core.forms import unit_label

    q = q.strip()
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__istartswith=q)).annotate(
            starts=Case(
                When(name__startswith=q, then=Value(0)), default=1, output_field=IntegerField()
            )
        )
        units = units.order_by("starts", "level", "path")
    found = list(units.only("code", "name", "path", "level")[:limit])
    above_ids = {pk for unit in found for pk in unit.ancestor_ids if pk != unit.pk}
    names = dict(OrgUnit.objects.filter(pk__in=above_ids).values_list("pk", "name"))
    return [
        UnitMatch(
            id=unit.pk,
            code=unit.code,
            name=unit.name,
            label=unit_label(unit),
            above=" · ".join(
                names[pk] for pk in reversed(unit.ancestor_ids) if pk in names and pk != unit.pk
            ),
        )
        for unit in found
    ]


# --- the widgets ------------------------------------------------------------------------------


def _chosen(values: list, key: str) -> list[str]:
    # A value that cannot be a key (a NUL, a pk that is no number) is simply not shown.
    chosen = [str(value) for value in values if value not in ("", None)]
    chosen = [value for value in chosen if "\x00" not in value and len(value) <= 40]
    if key == "pk":
        chosen = [value for value in chosen if value.isdigit()]
    return chosen


class _ChosenOnly:
    """Renders only the chosen options (and the empty one); the search adds the others."""

    choices: Any

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        field = iterator.field
        key = field.to_field_name or "pk"
        chosen = _chosen(value, key)
        try:
            units = list(iterator.queryset.filter(**{f"{key}__in": chosen})) if chosen else []
        except (ValueError, TypeError, ValidationError):
            units = []
        options: list[Any] = [("", field.empty_label)] if field.empty_label is not None else []
        options += [iterator.choice(unit) for unit in units]
        self.choices = options
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = iterator


class UnitSearchSelect(_ChosenOnly, forms.Select):
    pass


class UnitSearchSelectMultiple(_ChosenOnly, forms.SelectMultiple):
    pass


def search_url(scope: str, context: str = "") -> str:
    query = {"scope": scope, **({"context": context} if context else {})}
    return f"{reverse('org-unit-search')}?{urlencode(query)}"


def unit_picker(
    field: forms.ModelChoiceField, *, user: User | None, scope: str, context: Any = ""
) -> None:
    """Makes `field` a searching picker over scope `scope`: its choices are the scope's units,
    its widget renders only the chosen ones and finds the others as one types."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget_class = UnitSearchSelectMultiple if multiple else UnitSearchSelect
    widget = widget_class(attrs={**field.widget.attrs})
    widget.attrs.pop("data-search", None)
    widget.attrs["data-unit-search"] = search_url(scope, str(context))
    widget.attrs["data-value-field"] = "code" if field.to_field_name == "code" else "id"
    widget.is_required = field.widget.is_required
    field.widget = widget
    field.queryset = scoped_units(scope, user, context)  # also gives the widget its choices
