"""The filters of the reception lists (the reception days held, the appointments, the field
visits), shared by the pages and the API; the dashboard's reception figures drill down to them
(`reception.figures`), so each states once what a tile counts.

The area is where the reception belongs: the unit of the schedule a reception day or an
appointment is on (the leader's unit when the schedule was made), the leader's unit for a field
visit; that unit or one below it. The days are the reception day's date, the visit's date."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.filters import AreaFilterSet, area_filter
from accounts.models import User
from core.filters import DayFilter
from core.forms import UserChoiceField

from .models import Appointment, AppointmentStatus, DayStatus, FieldVisit, ReceptionDay


def held_condition() -> Exists:
    """A reception day held: the leader received at least one petitioner on it (an
    appointment attended). The one definition, for the day list and the dashboard."""
    return Exists(Appointment.objects.filter(day=OuterRef("pk"), status=AppointmentStatus.ATTENDED))


class DayState:
    HELD = "held"
    CANCELLED = "cancelled"
    NOT_HELD = "not_held"


DAY_STATES = [
    (DayState.HELD, _("Held (someone received)")),
    (DayState.NOT_HELD, _("Nobody received yet")),
    (DayState.CANCELLED, _("Cancelled")),
]


@extend_schema_field(OpenApiTypes.STR)
class LeaderFilter(django_filters.ModelChoiceFilter):
    """A leader by user name, shown with their unit."""

    field_class = UserChoiceField


def reception_leaders(user: User) -> QuerySet[User]:
    """The leaders whose reception days or field visits `user` sees (the leader filter's
    choices)."""
    from .selectors import schedules_visible_to
    from .visits.selectors import field_visits_visible_to

    return (
        User.objects.filter(
            Q(pk__in=schedules_visible_to(user).values("leader"))
            | Q(pk__in=field_visits_visible_to(user).values("leader"))
        )
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name", "username")
    )


def _leader_filter(field_name: str) -> LeaderFilter:
    return LeaderFilter(
        field_name=field_name,
        to_field_name="username",
        queryset=User.objects.none(),
        label=_("Leader"),
        empty_label=_("Any"),
        help_text=_("A leader's user name."),
    )


class ReceptionFilterSet(AreaFilterSet):
    """A reception list narrowed to a unit of the user's area (and the units below it), and
    on the pages to one leader."""

    area_field = "day__schedule__unit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and "leader" in self.filters:
            self.filters["leader"].queryset = reception_leaders(self.user)


class ReceptionDayFilter(ReceptionFilterSet):
    area_field = "schedule__unit"
    area = area_filter()
    date_from = DayFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="date", lookup_expr="lte", label=_("Until"))
    state = django_filters.ChoiceFilter(
        choices=DAY_STATES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    leader = _leader_filter("schedule__leader")

    class Meta:
        model = ReceptionDay
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == DayState.HELD:
            return queryset.filter(held_condition())
        if value == DayState.CANCELLED:
            return queryset.filter(status=DayStatus.CANCELLED)
        if value == DayState.NOT_HELD:
            return queryset.filter(status=DayStatus.OPEN).exclude(held_condition())
        return queryset


class AppointmentFilter(ReceptionFilterSet):
    """The appointments' filters on the API (which keeps its own `leader` user name)."""

    area = area_filter()
    date_from = DayFilter(field_name="day__date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="day__date", lookup_expr="lte", label=_("Until"))
    status = django_filters.ChoiceFilter(
        choices=AppointmentStatus.choices, label=_("Status"), empty_label=_("All")
    )
    # A choice rather than a yes/no widget, which would take any other word for "all".
    resolved = django_filters.ChoiceFilter(
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_resolved",
        label=_("Resolved on the spot"),
        empty_label=_("All"),
        help_text=_("As the reception record says: true or false."),
    )

    class Meta:
        model = Appointment
        fields: list[str] = []

    def filter_resolved(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(record__resolved_on_spot=value == "true")


class AppointmentPageFilter(AppointmentFilter):
    leader = _leader_filter("day__schedule__leader")


class VisitFilter(ReceptionFilterSet):
    """The field visits' filters on the API (which keeps its own `leader` user name)."""

    area_field = "leader__org_unit"
    area = area_filter()
    date_from = DayFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = FieldVisit
        fields: list[str] = []


class VisitPageFilter(VisitFilter):
    leader = _leader_filter("leader")
