import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.selectors import subtree_ids, units_visible_to
from core.filters import CodeChoiceFilter, DayFilter, YesNoAll
from core.workcalendar import start_of_day

from .models import Category, Channel, Petition, ReceivedLevel

# Dates typed beyond these bound nothing.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9999, 12, 1)


class PetitionFilter(django_filters.FilterSet):
    """Filters of the petition list, shared by the page and the API."""

    # Compared with the day's bounds in local time, not with received_at's date: so the
    # index on received_at serves.
    received_from = DayFilter(
        method="filter_received_from",
        label=_("Received from"),
    )
    received_to = DayFilter(
        method="filter_received_to",
        label=_("Received to"),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = CodeChoiceFilter(
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
        to_field_name="code",
        method="filter_category",
        label=_("Category"),
    )
    unit = CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_unit",
        label=_("Receiving unit"),
    )
    area = CodeChoiceFilter(
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        method="filter_area",
        label=_("Matter location"),
    )
    level = django_filters.ChoiceFilter(
        choices=ReceivedLevel.choices, method="filter_level", label=_("Received at level")
    )
    is_group = django_filters.BooleanFilter(label=_("Group visit"), widget=YesNoAll)
    is_repeat = django_filters.BooleanFilter(label=_("Repeat petition"), widget=YesNoAll)
    is_skip_level = django_filters.BooleanFilter(label=_("Skip-level visit"), widget=YesNoAll)
    is_first_time = django_filters.BooleanFilter(label=_("First-time petition"), widget=YesNoAll)
    q = django_filters.CharFilter(method="filter_text", label=_("Number or summary"))

    class Meta:
        model = Petition
        fields = ["channel", "is_group", "is_repeat", "is_skip_level", "is_first_time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            units = units_visible_to(self.request.user).order_by("path")
            self.filters["unit"].queryset = units
            self.filters["area"].queryset = units

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_received_from(self, queryset, name, value):
        if value <= EARLIEST:  # every petition (and midnight of year 1 has no UTC instant)
            return queryset
        return queryset.filter(received_at__gte=start_of_day(value))

    def filter_received_to(self, queryset, name, value):
        if value >= LATEST:
            return queryset
        return queryset.filter(received_at__lt=start_of_day(value + datetime.timedelta(days=1)))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(receiving_unit_id__in=subtree_ids(value))

    def filter_area(self, queryset, name, value):
        return queryset.filter(location_unit_id__in=subtree_ids(value))

    def filter_level(self, queryset, name, value):
        return queryset.filter(ReceivedLevel.condition(value))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(summary__icontains=value))
