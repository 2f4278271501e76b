"""API: the reception days of a date range, `/api/v1/reception/days/` (see the package's
docstring), computed from the schedules the caller sees; and the day's serializer the
schedules' `cancel-day` answers with.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounts.selectors import units_visible_to
from core.api_schema import ObjectAnswerSchema

from ...selectors import DayView, reception_days, schedules_visible_to
from ..selectors import replaced_dates

MAX_RANGE_DAYS = 366


class DayQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared under its query name below.
    to = serializers.DateField()
    leader = serializers.CharField(max_length=150, required=False, allow_blank=True)
    area = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields

    def validate(self, data):
        start, end = data["from"], data["to"]
        if end < start:
            raise serializers.ValidationError({"to": [_("The range ends before it starts.")]})
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"to": [_("At most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS}]}
            )
        return data


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    moved_from = serializers.ListField(child=serializers.DateField())
    leader = serializers.CharField(source="leader.username")
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    start_time = serializers.TimeField(source="schedule.start_time")
    end_time = serializers.TimeField(source="schedule.end_time")
    place = serializers.CharField(source="schedule.place")
    slots = serializers.IntegerField()
    booked = serializers.IntegerField()
    free = serializers.IntegerField()
    status = serializers.CharField(help_text="open | cancelled")
    reason = serializers.CharField()
    replaces = serializers.SerializerMethodField()
    schedule = serializers.IntegerField(source="schedule.pk")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_replaces(self, view: DayView) -> datetime.date | None:
        if view.row is None or not view.row.replaces_id:
            return None
        return self.context.get("replaced", {}).get(view.row.pk)


def _days(views: list[DayView]) -> list[dict]:
    context = {"replaced": replaced_dates(views)}
    return DaySerializer(views, many=True, context=context).data


class DayViewSet(viewsets.ViewSet):
    """The reception days of a date range, computed from the schedules (nothing is stored
    ahead)."""

    serializer_class = DaySerializer
    schema = ObjectAnswerSchema()

    @extend_schema(
        summary=_("Reception days of the schedules the caller sees, in a date range"),
        parameters=[
            OpenApiParameter("from", datetime.date, required=True),
            OpenApiParameter("to", datetime.date, required=True, description=_("≤ 366 days")),
            OpenApiParameter("leader", str, description=_("A leader's username.")),
            OpenApiParameter(
                "area", str, description=_("A unit's code: that unit and the units below it.")
            ),
        ],
        responses={
            200: inline_serializer(
                "ReceptionDayList",
                {"count": serializers.IntegerField(), "results": DaySerializer(many=True)},
            )
        },
    )
    def list(self, request):
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        schedules = schedules_visible_to(request.user).select_related("leader__org_unit")
        leader = (wanted.get("leader") or "").strip()
        if leader:
            schedules = schedules.filter(leader__username=leader)
        area = (wanted.get("area") or "").strip()
        if area:
            unit = units_visible_to(request.user).filter(code=area, is_active=True).first()
            if unit is None:
                raise serializers.ValidationError(
                    {"area": [_("No unit with that code in your area.")]}
                )
            schedules = schedules.filter(unit__path__startswith=unit.path)
        schedules = list(schedules)
        if leader and not schedules:
            raise serializers.ValidationError(
                {"leader": [_("No leader with that username has reception days in your area.")]}
            )
        views = reception_days(schedules=schedules, start=wanted["from"], end=wanted["to"])
        return Response({"count": len(views), "results": _days(views)})
