"""The information reports' filters, shared by the list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from core.filters import SinceDayFilter, UntilDayFilter, YesNoAll

from ..models import Gravity, UrgentReport, UrgentStatus


def late_condition() -> Q:
    """Late: sent after its reporting clock, still unsent past it, acknowledged after its
    acknowledgement clock, or still unacknowledged past it."""
    now = timezone.now()
    return (
        Q(issued_at__gt=F("report_due_at"))
        | Q(status=UrgentStatus.DRAFT, report_due_at__lt=now)
        | Q(status=UrgentStatus.ISSUED, ack_due_at__lt=now)
        | Q(recipients__acknowledged_at__gt=F("ack_due_at"))
    )


class UrgentFilter(AreaFilterSet):
    area_field = "reporting_unit"
    area = area_filter()
    gravity = django_filters.ChoiceFilter(
        choices=Gravity.choices, label=_("Gravity"), empty_label=_("Major and urgent")
    )
    status = django_filters.ChoiceFilter(
        choices=UrgentStatus.choices, label=_("State"), empty_label=_("All")
    )
    late = django_filters.BooleanFilter(
        method="filter_late",
        widget=YesNoAll,
        label=_("Late"),
        help_text=_("Reported or acknowledged after its time, or still not."),
    )
    reported = django_filters.BooleanFilter(
        field_name="issued_at",
        lookup_expr="isnull",
        exclude=True,
        widget=YesNoAll,
        label=_("Reported"),
    )
    flagged_from = SinceDayFilter(field_name="flagged_at", label=_("Flagged from"))
    flagged_to = UntilDayFilter(field_name="flagged_at", label=_("Flagged to"))
    case = django_filters.CharFilter(
        field_name="case__number", max_length=40, label=_("Case number")
    )

    class Meta:
        model = UrgentReport
        fields: list[str] = []

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        late = UrgentReport.objects.filter(late_condition()).values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
