import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.filters import UnitFilter
from cases.filters import filter_by_key
from core.filters import (
    CodeChoiceFilter,
    SinceDayFilter,
    UntilDayFilter,
    YesNoAll,
)

from .models import Category, Channel, Petition, ReceivedLevel
from .search import matching_petition_ids


class PetitionFilter(django_filters.FilterSet):
    """Filters of the petition list, shared by the page and the API."""

    received_from = SinceDayFilter(field_name="received_at", label=_("Received from"))
    received_to = UntilDayFilter(field_name="received_at", label=_("Received to"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = CodeChoiceFilter(
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
        to_field_name="code",
        method="filter_category",
        label=_("Category"),
    )
    unit = UnitFilter(field_name="receiving_unit", label=_("Receiving unit"))
    area = UnitFilter(field_name="location_unit", label=_("Matter location"))
    level = django_filters.ChoiceFilter(
        choices=ReceivedLevel.choices, method="filter_level", label=_("Received at level")
    )
    is_group = django_filters.BooleanFilter(label=_("Group visit"), widget=YesNoAll)
    is_repeat = django_filters.BooleanFilter(label=_("Repeat petition"), widget=YesNoAll)
    is_skip_level = django_filters.BooleanFilter(label=_("Skip-level visit"), widget=YesNoAll)
    is_first_time = django_filters.BooleanFilter(label=_("First-time petition"), widget=YesNoAll)
    q = django_filters.CharFilter(
        method="filter_q", label=_("Number, summary or petitioner (name, ID number, phone)")
    )

    class Meta:
        model = Petition
        fields = ["channel", "is_group", "is_repeat", "is_skip_level", "is_first_time"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_q(self, queryset, name, value):
        return filter_by_key(
            queryset, self.request, value, matching_petition_ids, via="petition list"
        )

    def filter_level(self, queryset, name, value):
        return queryset.filter(ReceivedLevel.condition(value))
