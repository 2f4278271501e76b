import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.filters import UnitFilter
from accounts.models import OrgUnit
from accounts.selectors import scope_path, subtree_ids
from core.filters import DayFilter, YesNoAll

from .auditing import record_key_search
from .models import ACCEPTANCE_CLOCKS, ANSWER_CLOCKS, Case, CaseStatus
from .selectors import (
    ClockState,
    filter_answered,
    filter_backlog,
    filter_category,
    filter_clocks,
    filter_next_due,
    filter_overdue,
)
from .selectors.people import matching_case_ids, search_key

# The clocks the rates over clocks count (及时受理率 over decisions, 办结率 over answers).
CLOCK_KINDS = {"acceptance": ACCEPTANCE_CLOCKS, "answer": ANSWER_CLOCKS}
CLOCK_FILTERS = ("clock", "clock_unit", "clock_due_from", "clock_due_to", "clock_state")
# The answer and time-limit filters, which the dashboards' figures drill down with: the list
# page shows them folded under "more conditions" unless one of them is in use.
MORE_FILTERS = (
    "answering_unit",
    "answered_from",
    "answered_to",
    "answered_on_time",
    "resolved",
    *CLOCK_FILTERS,
)


def covers_scope(user, unit: OrgUnit | None) -> bool:
    """Whether the units at and below `unit` (every unit for None) include all of the
    user's scope: a filter on them then keeps about as many of the list's rows as there
    are (`filter_clocks`' `dense`)."""
    if unit is None:
        return True
    own = getattr(user, "org_unit", None)
    if own is None:
        return unit.parent_id is None and bool(getattr(user, "is_superuser", False))
    return scope_path(own).startswith(unit.path)


def filter_by_key(queryset, request, value: str, matching_ids, *, via: str):
    """A list's `q`: the number or summary containing it, or the people it names (a name's
    start, an ID number or phone exactly: `search_key`), `matching_ids(key)` giving the rows
    of those people; a search by ID number or phone goes into the audit trail (`via`: which
    list)."""
    key = search_key(value)
    if not key.text:
        return queryset
    record_key_search(request, key, via=via)
    text = Q(number__icontains=key.text) | Q(summary__icontains=key.text)
    return queryset.filter(text | Q(pk__in=matching_ids(key)))


class CaseFilter(django_filters.FilterSet):
    """Filters of the case list, shared by the page and the API. Works on
    `selectors.case_list`, whose due dates and petition counts it filters on."""

    # Not distinct (django-filter's default): nothing is joined, and SELECT DISTINCT over a
    # list's columns makes the database compute every matching row before the first page.
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices,
        label=_("Status"),
        widget=forms.SelectMultiple,
        distinct=False,
    )
    unit = UnitFilter(field_name="owner_unit", label=_("Owner unit"))
    category = django_filters.CharFilter(method="filter_category", label=_("Category code"))
    due_from = DayFilter(method="applied_together", label=_("Next due from"))
    due_to = DayFilter(method="applied_together", label=_("Next due to"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue"), widget=YesNoAll
    )
    sponsored = django_filters.BooleanFilter(
        field_name="sponsoring_leader",
        lookup_expr="isnull",
        exclude=True,
        label=_("Sponsored by a leader"),
        widget=YesNoAll,
    )
    min_petitions = django_filters.NumberFilter(
        method="filter_min_petitions",
        min_value=1,
        label=_("At least this many petitions"),
    )
    backlog = django_filters.BooleanFilter(
        method="filter_backlog", label=_("Backlog case"), widget=YesNoAll
    )
    answering_unit = UnitFilter(field_name="answering_unit", label=_("Answering unit"))
    answered_from = DayFilter(method="applied_together", label=_("Answered from"))
    answered_to = DayFilter(method="applied_together", label=_("Answered to"))
    answered_on_time = django_filters.BooleanFilter(label=_("Answered on time"), widget=YesNoAll)
    resolved = django_filters.BooleanFilter(label=_("Resolved"), widget=YesNoAll)
    # One clock matching all five: a case with an acceptance clock due in October and another
    # unit's answer clock met on time is not "met on time in October".
    clock = django_filters.ChoiceFilter(
        choices=[("acceptance", _("Acceptance decision")), ("answer", _("Answer"))],
        method="applied_together",
        label=pgettext_lazy("case filter", "Time limit"),
    )
    clock_unit = UnitFilter(
        method="applied_together", label=_("Unit responsible for the time limit")
    )
    clock_due_from = DayFilter(method="applied_together", label=_("Time limit due from"))
    clock_due_to = DayFilter(method="applied_together", label=_("Time limit due to"))
    clock_state = django_filters.ChoiceFilter(
        choices=ClockState.choices, method="applied_together", label=_("Time limit kept")
    )
    q = django_filters.CharFilter(
        method="filter_q", label=_("Number, summary or petitioner (name, ID number, phone)")
    )

    class Meta:
        model = Case
        fields = ["status"]

    def main_fields(self) -> list:
        return [field for field in self.form if field.name not in MORE_FILTERS]

    def more_fields(self) -> list:
        return [field for field in self.form if field.name in MORE_FILTERS]

    def more_in_use(self) -> bool:
        return any(self.data.get(name) for name in MORE_FILTERS)

    def filter_min_petitions(self, queryset, name, value):
        return queryset.filter(petition_count__gte=value)

    def filter_queryset(self, queryset):
        """The filters on dates of one thing (the next clock, the answer, one clock) apply
        together, each group as one condition on that thing."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("due_from") or data.get("due_to"):
            queryset = filter_next_due(queryset, data.get("due_from"), data.get("due_to"))
        if data.get("answered_from") or data.get("answered_to"):
            queryset = filter_answered(queryset, data.get("answered_from"), data.get("answered_to"))
        if any(data.get(name) for name in CLOCK_FILTERS):
            unit = data.get("clock_unit")
            user = getattr(self.request, "user", None)
            queryset = filter_clocks(
                queryset,
                kinds=CLOCK_KINDS.get(data.get("clock")) or ACCEPTANCE_CLOCKS + ANSWER_CLOCKS,
                unit_ids=subtree_ids(unit) if unit else None,
                due_from=data.get("clock_due_from"),
                due_to=data.get("clock_due_to"),
                state=data.get("clock_state") or None,
                dense=user is not None and covers_scope(user, unit),
            )
        return queryset

    def applied_together(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_backlog(self, queryset, name, value):
        return filter_backlog(queryset, value)

    def filter_category(self, queryset, name, value):
        return filter_category(queryset, value.strip())

    def filter_q(self, queryset, name, value):
        return filter_by_key(queryset, self.request, value, matching_case_ids, via="case list")

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)
