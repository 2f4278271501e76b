"""The supervision notice list's filters (the dashboard's escalation figures drill down to
them): the area the notices were addressed to, the days they were issued, their state."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from core.filters import DayFilter

from ..models import SupervisionNotice


class NoticeState:
    OPEN = "open"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    ANSWERED_LATE = "answered_late"


def state_condition(state: str, today) -> Q:
    """The one definition of each state, for the list and the dashboard's figures."""
    unanswered = Q(responded_on__isnull=True)
    return {
        NoticeState.OPEN: unanswered & Q(due_on__gte=today),
        NoticeState.OVERDUE: unanswered & Q(due_on__lt=today),
        NoticeState.ANSWERED: Q(responded_on__isnull=False),
        NoticeState.ANSWERED_LATE: Q(responded_on__gt=F("due_on")),
    }[state]


class NoticeFilter(AreaFilterSet):
    area = area_filter(_("Addressed to (area)"), help_text="")
    issued_from = DayFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued from"))
    issued_to = DayFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued to"))
    state = django_filters.ChoiceFilter(
        choices=[
            (NoticeState.OPEN, _("Awaiting response")),
            (NoticeState.OVERDUE, _("Overdue")),
            (NoticeState.ANSWERED, _("Answered")),
            (NoticeState.ANSWERED_LATE, _("Answered late")),
        ],
        method="filter_state",
        label=_("State"),
        empty_label=_("All"),
    )

    class Meta:
        model = SupervisionNotice
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_condition(value, timezone.localdate())) if value else queryset
