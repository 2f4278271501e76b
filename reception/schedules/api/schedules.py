"""API: leaders' reception schedules, `/api/v1/reception/schedules/` (the paths and errors
are listed in the package's docstring): list, set up, change and end a schedule, cancel or
replace one of its days.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to
from core.api_input import JSONParser, SlugRelatedField
from core.rest import ScopedViewSet, create_action, row_action

from ...models import ReceptionSchedule, ScheduleKind
from ...selectors import reception_day_on
from ..selectors import replaced_dates, schedule_detail, schedule_list
from ..services.days import reception_day_cancel
from ..services.schedules import (
    schedule_create,
    schedule_deactivate,
    schedule_settings,
    schedule_update,
)
from .days import DaySerializer

# --- fields -----------------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class NumberListField(serializers.Field):
    """A list of whole numbers (the service checks their range); one flat error message."""

    default_error_messages = {"invalid": _("Give a list of whole numbers, e.g. [1, 4].")}

    def to_internal_value(self, data) -> list[int]:
        if not isinstance(data, list):
            self.fail("invalid")
        numbers = []
        for item in data:
            if isinstance(item, bool):
                self.fail("invalid")
            if isinstance(item, int):
                numbers.append(item)
            elif isinstance(item, str) and item.isascii() and item.strip().isdigit():
                numbers.append(int(item))
            else:
                self.fail("invalid")
        return numbers

    def to_representation(self, value) -> list[int]:
        return list(value)


@extend_schema_field(
    {"type": "string", "pattern": "^(weekly|monthly)$", "description": "weekly | monthly"}
)
class KindField(serializers.ChoiceField):
    """weekly | monthly (a pattern, not an enum, in the schema: "kind" names other choice sets
    there, and their names are settings' business)."""

    def __init__(self, **kwargs):
        super().__init__(choices=ScheduleKind.choices, **kwargs)


class LeaderField(SlugRelatedField):
    """A leader by username, among the users of the caller's area (anyone else is no such
    user to the caller)."""

    default_error_messages = {
        "does_not_exist": _("No such user in your area."),
        "invalid": _("No such user in your area."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=User.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        user = request.user
        return User.objects.filter(is_active=True).filter(
            Q(org_unit__in=units_visible_to(user)) | Q(pk=user.pk)
        )


class UnitsField(SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("No unit %(value)s in your area."),
        "invalid": _("Give unit codes."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=OrgUnit.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return OrgUnit.objects.none()
        return units_visible_to(request.user).filter(is_active=True)


# --- input ------------------------------------------------------------------------------------


class ScheduleInputSerializer(serializers.Serializer):
    leader = LeaderField(help_text=_("The leader's username."))
    kind = KindField(help_text=_("weekly (with weekdays) or monthly (with days)."))
    weekdays = NumberListField(
        required=False, help_text=_("ISO weekday numbers: 1 = Monday … 7 = Sunday.")
    )
    days = NumberListField(
        required=False,
        help_text=_("Days of the month, 1…31 (a day a month lacks means its last day)."),
    )
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=200)
    slots = serializers.IntegerField(help_text=_("Appointment slots, 1…50."))
    attending_units = serializers.ListField(
        child=UnitsField(), required=False, help_text=_("Codes of the usual attending units.")
    )
    valid_from = serializers.DateField(
        required=False, allow_null=True, help_text=_("Empty: today.")
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("Empty: until further notice.")
    )

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data.setdefault("weekdays", [])
        data.setdefault("days", [])
        data.setdefault("attending_units", [])
        return data


class ScheduleChangeSerializer(ScheduleInputSerializer):
    """A change: the fields of a new schedule but the leader, each optional (what is left out
    stays as it is)."""

    leader = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def service_kwargs(self, schedule: ReceptionSchedule) -> dict:
        data = dict(self.validated_data)
        current: dict = dict(schedule_settings(schedule))
        if "kind" in data and data["kind"] != schedule.kind:
            # A new kind brings its own numbers; the old kind's do not carry over.
            current["weekdays"], current["days"] = [], []
        return {**current, **data}


class DayCancelSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("The reception day to cancel."))
    reason = serializers.CharField(max_length=200)
    move_to = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("A workday to come that replaces it; the bookings move there."),
    )


# --- output -----------------------------------------------------------------------------------


class ScheduleSerializer(serializers.ModelSerializer):
    leader = SlugRelatedField(slug_field="username", read_only=True)
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    unit = SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="weekly | monthly")
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    days = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    attending_units = SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = [
            "id",
            "leader",
            "leader_name",
            "unit",
            "kind",
            "weekdays",
            "days",
            "start_time",
            "end_time",
            "place",
            "slots",
            "attending_units",
            "valid_from",
            "valid_until",
            "is_active",
        ]
        read_only_fields = fields


# --- views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Reception schedules the caller sees"),
        parameters=[OpenApiParameter("leader", str, description=_("A leader's username."))],
    ),
    retrieve=extend_schema(summary=_("One reception schedule (404 outside the caller's scope)")),
)
class ScheduleViewSet(ScopedViewSet):
    serializer_class = ScheduleSerializer
    parser_classes = [JSONParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    model = ReceptionSchedule
    find_row = staticmethod(schedule_detail)

    def visible_rows(self, wanted: dict):
        leader = (self.request.query_params.get("leader") or "")[:150]
        return schedule_list(user=self.request.user, leader=leader)

    create = create_action(
        _("Set up a leader's reception schedule"),
        ScheduleInputSerializer,
        schedule_create,
        ScheduleSerializer,
    )

    @extend_schema(
        summary=_("Change a schedule from today on (answers with the schedule now in force)"),
        request=ScheduleChangeSerializer,
        responses={200: ScheduleSerializer},
    )
    def partial_update(self, request, pk=None):
        schedule = self.get_object()
        serializer = ScheduleChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        changed = schedule_update(
            actor=request.user, schedule=schedule, **serializer.service_kwargs(schedule)
        )
        return self._answer(changed)

    end = row_action(
        "end",
        _("End a schedule: no reception days from today on"),
        None,
        schedule_deactivate,
        ScheduleSerializer,
        row="schedule",
    )

    @extend_schema(
        summary=_("Cancel one reception day, or replace it by another"),
        request=DayCancelSerializer,
        responses={
            200: inline_serializer(
                "ReceptionDayCancelled",
                {"cancelled": DaySerializer(), "replacement": DaySerializer(allow_null=True)},
            )
        },
    )
    @action(detail=True, methods=["post"], url_path="cancel-day")
    def cancel_day(self, request, pk=None):
        schedule = self.get_object()
        row = reception_day_cancel(
            actor=request.user, schedule=schedule, **self.parse(DayCancelSerializer)
        )
        cancelled = reception_day_on(schedule, row.date)
        replacement = reception_day_on(schedule, row.replacement.date) if row.replacement else None
        views = [view for view in (cancelled, replacement) if view is not None]
        context = {"replaced": replaced_dates(views)}
        return Response(
            {
                "cancelled": DaySerializer(cancelled, context=context).data,
                "replacement": DaySerializer(replacement, context=context).data
                if replacement
                else None,
            }
        )
