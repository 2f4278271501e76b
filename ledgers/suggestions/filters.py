"""The register of people's suggestions' filters, shared by the page, its export and the
API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from cases.models import ADOPTED_DECISIONS, SUGGESTION_DECISIONS, Case, Opinion
from core.filters import SinceDayFilter, UntilDayFilter, YesNoAll

from ..models import SuggestionCommendation
from .selectors import SuggestionState, answered_condition, late_condition

STATE_CHOICES = [
    (SuggestionState.STUDYING, _("Being studied")),
    (SuggestionState.ANSWERED, _("Answered")),
]
ADOPTED = [Opinion(decision).value for decision in ADOPTED_DECISIONS]
NOT_ADOPTED = [value for value in Opinion.values if value not in ADOPTED]
DECISION_CHOICES = [(decision.value, decision.label) for decision in SUGGESTION_DECISIONS]


class SuggestionFilter(AreaFilterSet):
    area_field = "owner_unit"
    area = area_filter()
    received_from = SinceDayFilter(field_name="received_at", label=_("Received from"))
    received_to = UntilDayFilter(field_name="received_at", label=_("Received to"))
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    decision = django_filters.ChoiceFilter(
        choices=DECISION_CHOICES,
        method="filter_decision",
        label=_("Decision"),
        empty_label=_("All"),
    )
    adopted = django_filters.BooleanFilter(
        method="filter_adopted",
        widget=YesNoAll,
        label=_("Adopted"),
        help_text=_("Adopted or partly adopted: the register of adopted suggestions."),
    )
    late = django_filters.BooleanFilter(
        method="filter_late",
        widget=YesNoAll,
        label=_("Late"),
        help_text=_("Answered after its time limit, or still unanswered past it."),
    )
    commended = django_filters.BooleanFilter(
        method="filter_commended", widget=YesNoAll, label=_("Commended")
    )
    case = django_filters.CharFilter(field_name="number", max_length=40, label=_("Case number"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        if value == SuggestionState.ANSWERED:
            return queryset.filter(answered_condition())
        return queryset.exclude(answered_condition())

    def filter_decision(self, queryset, name, value):
        return queryset.filter(decision=value) if value else queryset

    def filter_adopted(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(decision__in=ADOPTED)
        # Written out: unanswered (no decision) is not adopted either.
        return queryset.filter(Q(decision__isnull=True) | Q(decision__in=NOT_ADOPTED))

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(late_condition()) if value else queryset.exclude(late_condition())

    def filter_commended(self, queryset, name, value):
        if value is None:
            return queryset
        commended = Exists(SuggestionCommendation.objects.filter(case=OuterRef("pk")))
        return queryset.filter(commended if value else ~commended)
