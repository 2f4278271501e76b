"""API: the monthly unit ranking (通报), issue 4 §6 and §7.

`GET /api/v1/rankings/?month=YYYY-MM` (default: last month) answers the month's ranked units
in the caller's area, by rank (`rank` is the place among all units ranked that month; rates
are fractions 0–1, null without a base), and the notices the month brought on them with
links to their documents. A bad month is a 400 on `month`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core.api_input import SlugRelatedField
from core.api_schema import ObjectAnswerSchema

from ..models import RankingNotice, UnitRanking
from .selectors import ranking_notices_for, rankings_for
from .services import last_month, parse_month


class RankingRowSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    on_time_rate = serializers.FloatField(read_only=True, allow_null=True)
    satisfaction_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = UnitRanking
        fields = [
            "rank",
            "unit",
            "unit_name",
            "handled",
            "on_time",
            "on_time_rate",
            "overdue",
            "evaluated",
            "satisfied",
            "satisfaction_rate",
            "in_bottom",
            "bottom_streak",
        ]


class RankingNoticeOutSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    # A plain string (`rectification` or `self_examination`): "kind" names other choice sets.
    kind = serializers.CharField(
        read_only=True, help_text=_("`rectification` or `self_examination`.")
    )
    print_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = RankingNotice
        fields = ["number", "unit", "kind", "due_on", "print_url", "docx_url"]

    def get_print_url(self, notice: RankingNotice) -> str:
        return reverse("escalation:ranking_notice_print", args=[notice.pk])

    def get_docx_url(self, notice: RankingNotice) -> str:
        return reverse("escalation:ranking_notice_docx", args=[notice.pk])


class RankingMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    results = RankingRowSerializer(many=True)
    notices = RankingNoticeOutSerializer(many=True)


class RankingViewSet(viewsets.ViewSet):
    """The monthly unit ranking."""

    schema = ObjectAnswerSchema()

    @extend_schema(
        summary=_("A month's unit ranking in the caller's area, and its notices"),
        parameters=[OpenApiParameter("month", str, description=_("YYYY-MM; default: last month."))],
        responses={200: RankingMonthSerializer},
    )
    def list(self, request):
        value = request.query_params.get("month")
        month = parse_month(value) if value is not None else last_month()
        user = request.user
        return Response(
            {
                "month": f"{month:%Y-%m}",
                "results": RankingRowSerializer(
                    rankings_for(user=user, month=month), many=True
                ).data,
                "notices": RankingNoticeOutSerializer(
                    ranking_notices_for(user=user, month=month), many=True
                ).data,
            }
        )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [("rankings", RankingViewSet, "ranking")]
