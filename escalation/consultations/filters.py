"""The consultation list's filters (the dashboard's consultation figures drill down to them),
shared by the page and the API: the area of the unit that held (recorded) the consultation,
the days it was held, its level and its state."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from core.filters import DayFilter

from ..models import Consultation, ConsultationLevel, ConsultationTask


class ConsultationState:
    ESCALATED = "escalated"
    STANDING = "standing"
    TASKS_OVERDUE = "tasks_overdue"


def state_condition(state: str, today) -> Q:
    """The one definition of each state, for the list and the dashboard's figures: escalated
    to the next level; standing (not escalated: the case's latest level); with a task not
    done past its due day."""
    overdue = Exists(
        ConsultationTask.objects.filter(
            consultation=OuterRef("pk"), done_on__isnull=True, due_on__lt=today
        )
    )
    return {
        ConsultationState.ESCALATED: Q(escalated_on__isnull=False),
        ConsultationState.STANDING: Q(escalated_on__isnull=True),
        ConsultationState.TASKS_OVERDUE: Q(overdue),
    }[state]


class ConsultationFilter(AreaFilterSet):
    area_field = "recording_unit"
    area = area_filter(_("Held by (area)"))
    held_from = DayFilter(field_name="held_on", lookup_expr="gte", label=_("Held from"))
    held_to = DayFilter(field_name="held_on", lookup_expr="lte", label=_("Held to"))
    level = django_filters.ChoiceFilter(
        choices=ConsultationLevel.choices,
        label=_("Level"),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        choices=[
            (ConsultationState.ESCALATED, _("Escalated")),
            (ConsultationState.STANDING, _("Not escalated")),
            (ConsultationState.TASKS_OVERDUE, _("Tasks overdue")),
        ],
        method="filter_state",
        label=_("State"),
        empty_label=_("All"),
    )

    class Meta:
        model = Consultation
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_condition(value, timezone.localdate())) if value else queryset
