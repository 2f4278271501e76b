"""API: `GET /api/v1/stats/summary/?from=&to=&unit=` (issue 6 §4).

Every indicator of the dashboard for the area of `unit` (a unit code in the caller's scope;
default the top of it) over `from`…`to` (default this year up to today; `preset=month|
quarter|year|last_year` instead of dates). Rates and changes are fractions, `null` where the
denominator is 0; `rate_parts` gives each rate's numerator and denominator. Bad input is a
400 naming the field; supervisors and leaders only (403 otherwise)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from petitions.models import Channel, ReceivedLevel

from .forms import DashboardFilterForm
from .indicators import RATES
from .periods import PRESETS
from .permissions import can_view_dashboards
from .selectors import SPECIAL_KEYS, stats_summary


class PairSerializer(serializers.Serializer):
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()


def _pairs(name: str, keys) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {key: PairSerializer() for key in keys})


ChannelsSerializer = _pairs("ChannelsSerializer", Channel.values)
LevelsSerializer = _pairs("LevelsSerializer", ReceivedLevel.values)
RatePartsSerializer = type(
    "RatePartsSerializer",
    (serializers.Serializer,),
    {
        rate.key: serializers.ListField(
            child=serializers.IntegerField(), min_length=2, max_length=2
        )
        for rate in RATES
    },
)


class TopCategoryRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()
    previous = serializers.IntegerField(help_text="Batches in the previous period.")
    change = serializers.FloatField(allow_null=True)
    last_year = serializers.IntegerField(help_text="Batches in the same period last year.")
    yoy = serializers.FloatField(allow_null=True)


class UnitRankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    unit = serializers.CharField(help_text="Unit code.")
    name = serializers.CharField()
    answered = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    evaluated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class BacklogCaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    summary = serializers.CharField()
    owner_unit = serializers.CharField()
    received_on = serializers.DateField()
    petitions = serializers.IntegerField()
    status = serializers.CharField()
    sponsoring_leader = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)


class BacklogSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    cases = BacklogCaseSerializer(many=True, help_text="The oldest 100.")


class TrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()


class ChannelPointSerializer(serializers.Serializer):
    channel = serializers.CharField()
    label = serializers.CharField()
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()


class CategoryPointSerializer(serializers.Serializer):
    name = serializers.CharField()
    batches = serializers.IntegerField()


class RankingPointSerializer(serializers.Serializer):
    name = serializers.CharField()
    on_time_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class SeriesSerializer(serializers.Serializer):
    trend = TrendPointSerializer(many=True)
    channels = ChannelPointSerializer(many=True)
    categories = CategoryPointSerializer(many=True)
    ranking = RankingPointSerializer(many=True)


class StatsSummarySerializer(serializers.Serializer):
    def get_fields(self):
        rate = {"allow_null": True}
        fields = {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "unit": serializers.CharField(),
            "unit_name": serializers.CharField(),
            "refreshed_at": serializers.DateTimeField(allow_null=True),
            "batches": serializers.IntegerField(),
            "persons": serializers.IntegerField(),
            "batches_yoy": serializers.FloatField(**rate),
            "persons_yoy": serializers.FloatField(**rate),
            "batches_mom": serializers.FloatField(**rate),
            "persons_mom": serializers.FloatField(**rate),
            "last_year": PairSerializer(),
            "previous": PairSerializer(),
            "by_channel": ChannelsSerializer(),
            "online_share": serializers.FloatField(**rate),
            "by_level": LevelsSerializer(),
            **{key: PairSerializer() for key in SPECIAL_KEYS},
            **{indicator.key: serializers.FloatField(**rate) for indicator in RATES},
            "rate_parts": RatePartsSerializer(),
            "top_categories": TopCategoryRowSerializer(many=True),
            "unit_ranking": UnitRankingRowSerializer(many=True),
            "open": serializers.IntegerField(),
            "due_soon": serializers.IntegerField(),
            "overdue": serializers.IntegerField(),
            "due_soon_until": serializers.DateField(),
            "backlog": BacklogSerializer(),
            "series": SeriesSerializer(),
        }
        return fields


class StatsSummaryView(APIView):
    @extend_schema(
        operation_id="stats_summary",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)."),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code of the area."),
            OpenApiParameter("preset", OpenApiTypes.STR, enum=list(PRESETS)),
        ],
        responses=StatsSummarySerializer,
    )
    def get(self, request):
        if not can_view_dashboards(request.user):
            raise PermissionDenied()
        form = DashboardFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors)
        unit = form.unit()
        if unit is None:
            raise ValidationError({"unit": [form.fields["unit"].error_messages["invalid_choice"]]})
        summary = stats_summary(user=request.user, unit=unit, period=form.period())
        return Response(StatsSummarySerializer(summary).data)
