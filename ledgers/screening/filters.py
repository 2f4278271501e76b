"""The dispute ledger's filters, shared by the page, the export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from core.filters import DayFilter, YesNoAll

from ..models import (
    ACTIVE_DISPUTE_STATUSES,
    DisputeItem,
    DisputeKind,
    DisputeStatus,
    RiskLevel,
    ScreeningReport,
)


class ReportState:
    PENDING = "pending"
    SUBMITTED = "submitted"
    NIL = "nil"
    MISSING = "missing"


REPORT_STATES = [
    (ReportState.PENDING, _("Not yet reported")),
    (ReportState.MISSING, _("Missing (past due)")),
    (ReportState.SUBMITTED, _("Submitted")),
    (ReportState.NIL, _("Nil report")),
]


class ReportFilter(AreaFilterSet):
    area = area_filter()
    state = django_filters.ChoiceFilter(
        choices=REPORT_STATES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    due_from = DayFilter(field_name="due_on", lookup_expr="gte", label=_("Due from"))
    due_to = DayFilter(field_name="due_on", lookup_expr="lte", label=_("Due to"))
    round = django_filters.NumberFilter(
        field_name="round", label=_("Round"), min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = ScreeningReport
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        pending = Q(submitted_at__isnull=True)
        return queryset.filter(
            {
                ReportState.PENDING: pending,
                ReportState.MISSING: pending & Q(due_on__lt=timezone.localdate()),
                ReportState.SUBMITTED: ~pending,
                ReportState.NIL: Q(nothing_found=True),
            }.get(value, Q())
        )


class DisputeFilter(AreaFilterSet):
    area_field = "responsible_unit"
    area = area_filter()
    status = django_filters.MultipleChoiceFilter(choices=DisputeStatus.choices, label=_("State"))
    risk_level = django_filters.ChoiceFilter(
        choices=RiskLevel.choices, label=_("Risk level"), empty_label=_("All levels")
    )
    kind = django_filters.ChoiceFilter(
        choices=DisputeKind.choices, label=_("Kind of dispute"), empty_label=_("All kinds")
    )
    found_from = DayFilter(field_name="found_on", lookup_expr="gte", label=_("Found from"))
    found_to = DayFilter(field_name="found_on", lookup_expr="lte", label=_("Found to"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        widget=YesNoAll,
        label=_("Overdue"),
        help_text=_("Still being worked after the day it was to be resolved by."),
    )
    round = django_filters.NumberFilter(
        field_name="report__round", label=_("Round"), min_value=1, max_value=2**63 - 1
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, label=_("Number, place or summary")
    )

    class Meta:
        model = DisputeItem
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number=value) | Q(place__icontains=value) | Q(summary__icontains=value)
        )
