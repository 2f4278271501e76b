import datetime

import django_filters
from django.core.validators import validate_ipv46_address
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter
from core.workcalendar import start_of_day

from .models import AuditAction, AuditEntry

# Dates typed beyond these bound nothing.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9999, 12, 1)


class AuditEntryFilter(django_filters.FilterSet):
    """The auditor's filters: time range, user, action, object, client address."""

    date_from = DayFilter(method="filter_from", label=_("From"))
    date_to = DayFilter(method="filter_to", label=_("To"))
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", max_length=150, label=_("Username")
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    object = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", max_length=200, label=_("Object")
    )
    address = django_filters.CharFilter(
        field_name="client_address", validators=[validate_ipv46_address], label=_("Client address")
    )

    class Meta:
        model = AuditEntry
        fields = ["action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if field.widget.input_type == "select" else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def filter_from(self, queryset, name, value):
        if value <= EARLIEST:
            return queryset
        return queryset.filter(when__gte=start_of_day(value))

    def filter_to(self, queryset, name, value):
        if value >= LATEST:
            return queryset
        return queryset.filter(when__lt=start_of_day(value + datetime.timedelta(days=1)))
