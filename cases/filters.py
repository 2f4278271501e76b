import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.filters import CodeChoiceFilter, YesNoAll
from accounts.models import OrgUnit
from accounts.selectors import units_visible_to

from .models import Case, CaseStatus
from .selectors import filter_answered, filter_backlog, filter_category, filter_overdue


class CaseFilter(django_filters.FilterSet):
    """Filters of the case list, shared by the page and the API. Works on
    `selectors.case_list`, whose due dates and petition counts it filters on."""

    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), widget=forms.SelectMultiple
    )
    unit = CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_unit",
        label=_("Owner unit"),
    )
    category = django_filters.CharFilter(method="filter_category", label=_("Category code"))
    due_from = django_filters.DateFilter(
        field_name="next_due",
        lookup_expr="gte",
        label=_("Next due from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        field_name="next_due",
        lookup_expr="lte",
        label=_("Next due to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
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
        field_name="petition_count",
        lookup_expr="gte",
        min_value=1,
        label=_("At least this many petitions"),
    )
    backlog = django_filters.BooleanFilter(
        method="filter_backlog", label=_("Backlog case"), widget=YesNoAll
    )
    answering_unit = CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_answering_unit",
        label=_("Answering unit"),
    )
    answered_from = django_filters.DateFilter(
        method="filter_answered_from",
        label=_("Answered from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    answered_to = django_filters.DateFilter(
        method="filter_answered_to",
        label=_("Answered to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    answered_on_time = django_filters.BooleanFilter(label=_("Answered on time"), widget=YesNoAll)
    resolved = django_filters.BooleanFilter(label=_("Resolved"), widget=YesNoAll)
    q = django_filters.CharFilter(method="filter_text", label=_("Number or summary"))

    class Meta:
        model = Case
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            units = units_visible_to(self.request.user).order_by("path")
            self.filters["unit"].queryset = units
            self.filters["answering_unit"].queryset = units

    def filter_unit(self, queryset, name, value):
        return queryset.filter(owner_unit__path__startswith=value.path)

    def filter_answering_unit(self, queryset, name, value):
        return queryset.filter(answering_unit__path__startswith=value.path)

    def filter_answered_from(self, queryset, name, value):
        return filter_answered(queryset, value, None)

    def filter_answered_to(self, queryset, name, value):
        return filter_answered(queryset, None, value)

    def filter_backlog(self, queryset, name, value):
        return filter_backlog(queryset, value)

    def filter_category(self, queryset, name, value):
        return filter_category(queryset, value.strip())

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(summary__icontains=value))
